import { AppError } from '@tongke/common';

export const SearchErrors = {
  unavailable: () =>
    new AppError('SEARCH_UNAVAILABLE', 503, 'Search is temporarily unavailable; please try again shortly'),
  reindexRunning: () =>
    new AppError('SEARCH_REINDEX_RUNNING', 409, 'The search index is being rebuilt already'),
};
