// @swc/jest: transpile only (the project's transform); type checking is `tsc --noEmit` once.
module.exports = require('./base')('@swc/jest');
