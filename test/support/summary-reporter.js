// Prints the closing line CI reads: `N passed, N failed, N skipped`, from jest's own results, and
// keeps it in test-reports/summary.txt so that .ci/run can repeat it as its very last line.
const fs = require('fs');
const path = require('path');

class SummaryReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
  }

  onRunComplete(_contexts, results) {
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const skipped = results.numPendingTests + results.numTodoTests;
    const line = `${results.numPassedTests} passed, ${failed} failed, ${skipped} skipped`;
    process.stdout.write(`\n${line}\n`);
    const dir = path.join(this.rootDir, 'test-reports');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'summary.txt'), `${line}\n`);
  }
}
module.exports = SummaryReporter;
