export * from './lib/graphql-api.module';
