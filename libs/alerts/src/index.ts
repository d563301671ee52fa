export * from './lib/alerts.module';
export * from './lib/alerts.constants';
export * from './lib/alert';
export * from './lib/alerts.service';
export * from './lib/alert-checks.service';
export * from './lib/alerts.processor';
