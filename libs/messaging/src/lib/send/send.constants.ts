/** The Redis-backed circuit breaker the send worker shares with every other worker. */
export const SEND_CIRCUIT_BREAKER = Symbol('SEND_CIRCUIT_BREAKER');
