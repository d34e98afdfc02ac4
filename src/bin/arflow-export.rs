//! `arflow-export`: a model file saved by the page (Save model) as a Python file or a
//! Jupyter notebook, the same the page's *Python file* and *Notebook* buttons write.

use arflow::session::lab::Lab;

const USAGE: &str = "usage: arflow-export MODEL.json [--notebook] [--out FILE]
  Writes the flow of a model file saved by the page as one Python file (NumPy, and
  PyTorch when it imports; run it to check it against the page's numbers), or with
  --notebook as a Jupyter notebook of the same cells. To FILE, else to standard output.";

fn run(argv: &[String]) -> Result<(), String> {
    if argv.iter().any(|a| a == "--help" || a == "-h") {
        println!("{USAGE}");
        return Ok(());
    }
    let mut input = None;
    let mut out = None;
    let mut notebook = false;
    let mut args = argv.iter();
    while let Some(a) = args.next() {
        match a.as_str() {
            "--notebook" => notebook = true,
            "--out" => out = Some(args.next().ok_or("--out needs a file")?),
            _ if input.is_none() && !a.starts_with("--") => input = Some(a),
            _ => return Err(format!("unexpected argument '{a}'")),
        }
    }
    let input = input.ok_or("no model file given")?;
    let text = std::fs::read_to_string(input).map_err(|e| format!("{input}: {e}"))?;
    let mut lab = Lab::from_hash("").0;
    lab.import_model(&text)
        .map_err(|e| format!("{input}: {e}"))?;
    let file = match notebook {
        true => lab.notebook(""),
        false => lab.python_script(""),
    };
    match out {
        Some(path) => std::fs::write(path, file).map_err(|e| format!("{path}: {e}")),
        None => {
            print!("{file}");
            Ok(())
        }
    }
}

fn main() {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let code = run(&argv).map_or_else(
        |e| {
            eprintln!("arflow-export: {e}\n{USAGE}");
            2
        },
        |()| 0,
    );
    std::process::exit(code);
}
