import { buyerId } from './utils/buyer';

App({
  onLaunch() {
    // Create the buyer id before the first request, so every page sends the same one.
    buyerId();
  },
  onError(error: string) {
    console.error('mini app error', error);
  },
});
