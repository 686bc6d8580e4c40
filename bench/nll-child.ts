/**
 * The NLL evaluation in a process of its own, so that its peak resident memory is its own:
 * `node --conditions=@vaekit/source --import tsx bench/nll-child.ts '<item JSON>'` prints one
 * JSON line with the result. Started by bench/run.ts.
 */
import { setUpBackend, tf } from './deps';
import { type NLLItem, nllEvaluation } from './vaekit-items';

const item = JSON.parse(process.argv[2]!) as NLLItem & { backend: string };
tf.env().set('PROD', true);
await setUpBackend(item.backend);
const result = await nllEvaluation(item);
console.log(JSON.stringify(result));
