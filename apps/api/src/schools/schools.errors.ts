import { AppError } from '@tongke/common';

export const SchoolErrors = {
  notFound: () => new AppError('SCHOOL_NOT_FOUND', 404, 'School not found'),
  regionNotFound: () => new AppError('REGION_NOT_FOUND', 404, 'Region not found'),
  regionRequired: () =>
    new AppError('VALIDATION_FAILED', 400, 'regionId is required', { fields: { regionId: ['required'] } }),
  nameTaken: () =>
    new AppError('SCHOOL_NAME_TAKEN', 409, 'A school with this name already exists in the region'),
  classroomNameTaken: () =>
    new AppError('CLASSROOM_NAME_TAKEN', 409, 'A classroom with this name already exists in the school'),
  regionCodeTaken: () => new AppError('REGION_CODE_TAKEN', 409, 'A region with this code already exists'),
};
