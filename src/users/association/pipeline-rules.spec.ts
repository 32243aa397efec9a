import { describe, expect, it } from '@jest/globals';
import { DEFAULT_PIPELINE } from '../../config/app-config.js';
import { pipelineProblems } from './pipeline-rules.js';

const without = (...steps: string[]) => DEFAULT_PIPELINE.filter((s) => !steps.includes(s));
const moved = (step: string, to: number) => {
  const rest = DEFAULT_PIPELINE.filter((s) => s !== step);
  return [...rest.slice(0, to), step, ...rest.slice(to)];
};

describe(pipelineProblems.name, () => {
  it('should accept the default pipeline', () => {
    expect(pipelineProblems(DEFAULT_PIPELINE)).toEqual([]);
  });

  it.each([
    ['without associate_by_email', without('associate_by_email')],
    ['without get_username', without('get_username')],
    ['without create_user and associate_user (sign-up closed)', without('create_user', 'associate_user')],
    ['with require_email anywhere', ['require_email', ...DEFAULT_PIPELINE]],
    ['with steps of its own', ['my_step', ...DEFAULT_PIPELINE, 'another_step']],
  ])('should accept a pipeline %s', (_name, pipeline) => {
    expect(pipelineProblems(pipeline)).toEqual([]);
  });

  it.each([
    ['create_user before social_user', moved('create_user', 0), 'social_user must come before create_user'],
    ['associate_by_email before social_user', moved('associate_by_email', 0), 'social_user must come before associate_by_email'],
    ['social_user without social_uid', without('social_uid'), 'social_user needs social_uid before it'],
    ['create_user without social_details', without('social_details'), 'create_user needs social_details before it'],
    ['create_user without associate_user', without('associate_user'), 'create_user needs associate_user after it'],
    [
      'associate_by_email after create_user',
      moved('associate_by_email', DEFAULT_PIPELINE.length - 1),
      'associate_by_email must come before create_user',
    ],
    ['get_username after create_user', moved('get_username', DEFAULT_PIPELINE.length - 1), 'get_username must come before create_user'],
    ['load_extra_data before associate_user', moved('load_extra_data', 4), 'associate_user must come before load_extra_data'],
  ])('should refuse %s, saying why', (_name, pipeline, problem) => {
    expect(pipelineProblems(pipeline)).toContainEqual(expect.stringContaining(problem));
  });
});
