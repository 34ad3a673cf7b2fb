/**
 * `npm start` builds with tsconfig.build.json (src, bots, scripts) before it runs, and the Docker
 * image builds the same without test/ in it: no file of that program may reach into test/
 * (its helpers use jest's globals, which the build's types do not have; a fresh clone's
 * `npm start` failed so). Scripts that use test helpers run through tsx and are left out of the build.
 */
import path from 'node:path';
import ts from 'typescript';

const ROOT = path.resolve(__dirname, '../..');

it("the build's program (what `npm start` and the Dockerfile compile) imports nothing from test/", () => {
  const config = ts.getParsedCommandLineOfConfigFile(path.join(ROOT, 'tsconfig.build.json'), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  })!;
  expect(config.fileNames.length).toBeGreaterThan(100);
  const reaching: string[] = [];
  for (const file of config.fileNames) {
    const { importedFiles } = ts.preProcessFile(ts.sys.readFile(file)!, true, true);
    for (const imp of importedFiles) {
      if (!imp.fileName.startsWith('.')) continue;
      const target = path.relative(ROOT, path.resolve(path.dirname(file), imp.fileName));
      if (target.split(path.sep)[0] === 'test') reaching.push(`${path.relative(ROOT, file)} → ${target}`);
    }
  }
  expect(reaching).toEqual([]);
});
