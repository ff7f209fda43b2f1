// First: connects (and asks for a deep link's session) in this small entry chunk; the UI's
// bundle is a chunk of its own, fetched and evaluated while the engine already works.
import { engine } from './boot';

void import('./render-app').then(({ renderApp }) => renderApp(engine));
