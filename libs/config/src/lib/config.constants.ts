/** DI token of the validated, frozen configuration object. */
export const APP_CONFIG = Symbol('APP_CONFIG');
