import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'isPublic';

/** Routes are guarded by default (global `JwtAuthGuard`); this opts one route or controller out. */
export const Public = () => SetMetadata(IS_PUBLIC, true);
