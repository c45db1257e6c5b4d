export declare const cryptoAvailable: false;
export declare class CryptoUnavailableError extends Error {}
