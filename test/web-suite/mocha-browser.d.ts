/** mocha's browser build: loaded for its side effect, which defines `Mocha` and `mocha` on the global object. */
declare module 'mocha/mocha.js';
