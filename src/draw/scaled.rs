//! A backend seen at a smaller size: the charts are laid out in CSS pixels and drawn on a
//! canvas whose backing store holds `k` device pixels per CSS pixel, so that they are sharp
//! at any device pixel ratio or zoom and their text keeps its size on the page.

use plotters::prelude::DrawingBackend;
use plotters_backend::{
    text_anchor::Pos, BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind,
    FontFamily, FontStyle, FontTransform,
};

/// `inner` drawn in units of `k` of its pixels.
pub struct Scaled<B> {
    inner: B,
    k: f64,
}

impl<B: DrawingBackend> Scaled<B> {
    /// `inner` in units of `k` pixels (`k` is clamped to at least 1/8).
    pub fn new(inner: B, k: f64) -> Self {
        let k = if k.is_finite() { k.max(0.125) } else { 1.0 };
        Scaled { inner, k }
    }

    /// Device pixels per unit.
    pub fn scale(&self) -> f64 {
        self.k
    }

    fn at(&self, (x, y): BackendCoord) -> BackendCoord {
        (
            (x as f64 * self.k).round() as i32,
            (y as f64 * self.k).round() as i32,
        )
    }
}

/// A line or fill style with its stroke `k` times as wide.
struct Stroke<'a, S>(&'a S, f64);

impl<S: BackendStyle> BackendStyle for Stroke<'_, S> {
    fn color(&self) -> BackendColor {
        self.0.color()
    }
    fn stroke_width(&self) -> u32 {
        ((self.0.stroke_width() as f64 * self.1).round() as u32).max(1)
    }
}

/// A text style `k` times as large.
struct Font<'a, T>(&'a T, f64);

impl<T: BackendTextStyle> BackendTextStyle for Font<'_, T> {
    type FontError = T::FontError;
    fn color(&self) -> BackendColor {
        self.0.color()
    }
    fn size(&self) -> f64 {
        self.0.size() * self.1
    }
    fn transform(&self) -> FontTransform {
        self.0.transform()
    }
    fn style(&self) -> FontStyle {
        self.0.style()
    }
    fn anchor(&self) -> Pos {
        self.0.anchor()
    }
    fn family(&self) -> FontFamily<'_> {
        self.0.family()
    }
    fn layout_box(&self, text: &str) -> Result<((i32, i32), (i32, i32)), Self::FontError> {
        let k = self.1;
        let s = |v: i32| (v as f64 * k).round() as i32;
        self.0
            .layout_box(text)
            .map(|((a, b), (c, d))| ((s(a), s(b)), (s(c), s(d))))
    }
    fn draw<E, F: FnMut(i32, i32, BackendColor) -> Result<(), E>>(
        &self,
        text: &str,
        pos: BackendCoord,
        mut draw: F,
    ) -> Result<Result<(), E>, Self::FontError> {
        // A backend that draws text as pixels gets the small glyphs, each pixel a k x k block.
        let k = self.1.round().max(1.0) as i32;
        self.0.draw(text, (pos.0 / k, pos.1 / k), |x, y, c| {
            for dx in 0..k {
                for dy in 0..k {
                    draw(x * k + dx, y * k + dy, c)?;
                }
            }
            Ok(())
        })
    }
}

type Result2<E> = Result<(), DrawingErrorKind<E>>;

impl<B: DrawingBackend> DrawingBackend for Scaled<B> {
    type ErrorType = B::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        let (w, h) = self.inner.get_size();
        let unit = |v: u32| (v as f64 / self.k).round() as u32;
        (unit(w), unit(h))
    }
    fn ensure_prepared(&mut self) -> Result2<B::ErrorType> {
        self.inner.ensure_prepared()
    }
    fn present(&mut self) -> Result2<B::ErrorType> {
        self.inner.present()
    }
    fn draw_pixel(&mut self, p: BackendCoord, c: BackendColor) -> Result2<B::ErrorType> {
        let (a, b) = (self.at(p), self.at((p.0 + 1, p.1 + 1)));
        self.inner.draw_rect(a, (b.0 - 1, b.1 - 1), &c, true)
    }
    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result2<B::ErrorType> {
        let (a, b) = (self.at(from), self.at(to));
        self.inner.draw_line(a, b, &Stroke(style, self.k))
    }
    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result2<B::ErrorType> {
        let (a, b) = (self.at(upper_left), self.at(bottom_right));
        if fill {
            // A fill has no stroke to widen.
            return self.inner.draw_rect(a, b, style, true);
        }
        self.inner.draw_rect(a, b, &Stroke(style, self.k), false)
    }
    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result2<B::ErrorType> {
        let path: Vec<_> = path.into_iter().map(|p| self.at(p)).collect();
        self.inner.draw_path(path, &Stroke(style, self.k))
    }
    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result2<B::ErrorType> {
        let r = ((radius as f64 * self.k).round() as u32).max(1);
        self.inner
            .draw_circle(self.at(center), r, &Stroke(style, self.k), fill)
    }
    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result2<B::ErrorType> {
        let vert: Vec<_> = vert.into_iter().map(|p| self.at(p)).collect();
        self.inner.fill_polygon(vert, &Stroke(style, self.k))
    }
    fn draw_text<T: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &T,
        pos: BackendCoord,
    ) -> Result2<B::ErrorType> {
        let at = self.at(pos);
        self.inner.draw_text(text, &Font(style, self.k), at)
    }
    fn estimate_text_size<T: BackendTextStyle>(
        &self,
        text: &str,
        style: &T,
    ) -> Result<(u32, u32), DrawingErrorKind<B::ErrorType>> {
        // Text is laid out at its own size: that is the size it has on the page.
        self.inner.estimate_text_size(text, style)
    }
}
