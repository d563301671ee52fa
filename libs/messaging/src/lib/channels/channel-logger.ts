import type { Logger } from '@nestjs/common';
import type { ChannelLogger } from '@switchboard/channel-contract';

/** A plugin's logger over Nest's, pino style (fields first), which nestjs-pino backs. */
export function channelLoggerOf(logger: Logger): ChannelLogger {
  return {
    debug: (message, fields = {}) => logger.debug(fields, message),
    info: (message, fields = {}) => logger.log(fields, message),
    warn: (message, fields = {}) => logger.warn(fields, message),
    error: (message, fields = {}) => logger.error(fields, message),
  };
}
