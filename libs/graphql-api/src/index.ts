export * from './lib/graphql-api.module';
export * from './lib/graphql-api.constants';
