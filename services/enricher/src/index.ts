export { createEnricher, EnricherServiceConfig, type Enricher, type EnricherDeps, type EnricherSettings } from './app.js';
export { main } from './main.js';
