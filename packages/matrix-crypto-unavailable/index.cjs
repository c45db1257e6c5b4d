'use strict';
// matrix-bot-sdk requires @matrix-org/matrix-sdk-crypto-nodejs when it loads, yet touches it only
// inside its encryption code (CryptoClient, RustEngine), which runs only for a client constructed
// with a crypto store. Helferruf never passes one. Should anything still reach for the library,
// it fails loudly here instead of encrypting nothing in silence.
const MESSAGE =
  'End-to-end encryption is not available: @matrix-org/matrix-sdk-crypto-nodejs is replaced by a ' +
  'placeholder (see packages/matrix-crypto-unavailable). Helferruf talks in unencrypted rooms only.';

class CryptoUnavailableError extends Error {
  constructor(what) {
    super(`${MESSAGE} (used: ${what})`);
    this.name = 'CryptoUnavailableError';
  }
}

function unavailable(name) {
  // A function so it can be called or constructed; both throw.
  return new Proxy(function () {}, {
    apply() {
      throw new CryptoUnavailableError(name);
    },
    construct() {
      throw new CryptoUnavailableError(name);
    },
    get(_target, prop) {
      if (prop === 'name') return name;
      if (typeof prop === 'symbol') return undefined;
      throw new CryptoUnavailableError(`${name}.${String(prop)}`);
    },
  });
}

module.exports = new Proxy(
  { __esModule: true, CryptoUnavailableError, cryptoAvailable: false },
  {
    get(target, prop) {
      if (prop in target || typeof prop === 'symbol' || prop === 'then') return target[prop];
      return unavailable(String(prop));
    },
  },
);
