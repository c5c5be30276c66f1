// ts-jest with type checking (each file type-checked as it is transformed).
module.exports = require('./base')(['ts-jest', { tsconfig: '<rootDir>/tsconfig.dev.json', isolatedModules: false, diagnostics: true }]);
