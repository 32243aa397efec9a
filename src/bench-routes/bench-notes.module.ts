import { Controller, Get, Module } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../common/decorators/public.decorator.js';

const NOTES = { notes: [{ id: 1, text: 'A constant note: the bench measures the route, not the data' }] };

/**
 * A stand-in for a route an application adds to this server: `@Get('notes')` returning a constant, once behind the
 * global guard and once `@Public()`. `npm run bench` compares the two (bench/README.md); nothing else uses them.
 */
@ApiExcludeController()
@Controller('bench')
export class BenchNotesController {
  @Get('notes')
  notes(): typeof NOTES {
    return NOTES;
  }

  @Public()
  @Get('public-notes')
  publicNotes(): typeof NOTES {
    return NOTES;
  }
}

/** Registered by AppModule only when BENCH_ROUTES=true (config `benchRoutes`); a deployment never has these routes. */
@Module({ controllers: [BenchNotesController] })
export class BenchNotesModule {}
