// `npm run package -- [--stage s] [--param="k=v" ...]`: build, validate and bundle the policy, generate the deploy
// facts, then `osls package` (offline: writes .serverless/ with the template and one zip per function).
import { main } from './pipeline.mjs';

await main('package', process.argv.slice(2));
