// End-to-end: a trained flow goes to a notebook. *Python file* saves one file that Python
// runs: it rebuilds the flow the page trained (NumPy; PyTorch where it imports) and checks
// itself against the numbers the page computed. *Notebook* saves the same as a Jupyter
// notebook whose first cell says where the model came from.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useBrowser, ARTEFACTS, openPage, status } from './helpers.mjs';

const env = useBrowser();

const python = (path) => new Promise((done) => {
  execFile(process.env.ARFLOW_PYTHON || 'python3', [path], (error, stdout, stderr) => done({ code: error ? error.code : 0, text: stdout + stderr }));
});

async function save(page, id, path) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(id)]);
  await download.saveAs(path);
  return download.suggestedFilename();
}

test('a trained flow saved as a Python file checks itself in Python, and as a notebook', async () => {
  const { page, errors } = await openPage(env.browser, env.server, '#flow=iaf&layers=3&hidden=16,16&learnbase=1');
  await page.click('#play');
  await page.waitForFunction(() => Number(/step (\d+)/.exec(document.getElementById('status').textContent)?.[1]) >= 200, null, { polling: 100 });
  await page.click('#play');
  await page.evaluate(() => window.arflowTest.settle());
  // The worker's last state is in; the status line shows it from the next panel drawn.
  await page.waitForFunction(() => document.getElementById('status').textContent
    .startsWith(`step ${JSON.parse(window.arflowTest.app().read('status')).step} `), null, { polling: 50 });
  const step = (await status(page)).step;
  await page.locator('#save').screenshot({ path: `${ARTEFACTS}save-python.png` });
  const dir = await mkdtemp(join(tmpdir(), 'arflow-py-'));
  const script = join(dir, 'flow.py');
  assert.equal(await save(page, '#export-python', script), `arflow-iaf-step${step}.py`);
  const text = await readFile(script, 'utf8');
  assert.match(text, new RegExp(`^# %% \\[markdown\\]\\n# A trained IAF from arflow: 3 layers of MADE \\[16, 16\\], D = 2\\n#\\n# Exported by arflow [\\d.]+ at step ${step}, test NLL [\\d.-]+, from the settings\\n# \`http://127\\.0\\.0\\.1:\\d+/#[^\`]*flow=iaf`));
  const run = await python(script);
  assert.equal(run.code, 0, run.text);
  assert.match(run.text, /ok {3}NumPy log p\(x\) against the page's: 7 numbers/);
  assert.match(run.text, /ok {3}NumPy samples T\(eps\) against the page's: 8 numbers/);
  const book = join(dir, 'flow.ipynb');
  assert.equal(await save(page, '#export-notebook', book), `arflow-iaf-step${step}.ipynb`);
  const cells = JSON.parse(await readFile(book, 'utf8')).cells;
  assert.equal(cells[0].cell_type, 'markdown');
  assert.match(cells[0].source.join(''), new RegExp(`at step ${step}, test NLL`));
  assert.equal(cells.at(-1).source.join(''), 'check()');
  await rm(dir, { recursive: true });
  assert.deepEqual(errors, []);
  await page.close();
});
