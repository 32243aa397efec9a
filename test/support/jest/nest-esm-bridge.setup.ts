// Jest setupFiles: the ESM instances of Nest that @nestjs/throttler's requires resolve to in tests
// (see nest-esm-bridge.transform.js for why).
import 'reflect-metadata';
import * as common from '@nestjs/common';
import * as core from '@nestjs/core';

(globalThis as Record<symbol, unknown>)[Symbol.for('nest-social-auth.jest.nest-esm-bridge')] = {
  '@nestjs/common': common,
  '@nestjs/core': core,
};
