import { AppError } from '@tongke/common';

export const EquityErrors = {
  periodInvalid: (value: string) =>
    new AppError(
      'EQUITY_PERIOD_INVALID',
      400,
      `period must be a month (2026-09) or a term (2026-autumn, 2027-spring), not "${value.slice(0, 40)}"`,
    ),
  regionNotFound: () => new AppError('EQUITY_REGION_NOT_FOUND', 404, 'Region not found'),
  schoolNotFound: () => new AppError('EQUITY_SCHOOL_NOT_FOUND', 404, 'School not found'),
  pairingNotFound: () => new AppError('EQUITY_PAIRING_NOT_FOUND', 404, 'Pairing not found'),
};
