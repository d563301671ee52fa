/** DI token of the app's TokenVault (TokenVaultModule.forRoot). */
export const TOKEN_VAULT = Symbol('TOKEN_VAULT');
