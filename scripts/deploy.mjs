// `npm run deploy -- [--stage s] [--param="k=v" ...]`: the same preparation as package.mjs, then `osls deploy`
// (needs AWS credentials). See docs/deploy.md for the parameters and the one-time setup.
import { main } from './pipeline.mjs';

await main('deploy', process.argv.slice(2));
