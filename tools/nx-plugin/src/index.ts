export { channelGenerator, type ChannelGeneratorOptions } from './generators/channel/channel.generator';
