import { Body, Controller, Delete, Get, Header, HttpCode, Param, Patch, Post, UseGuards } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Client } from '../../auth/client-info.js';
import type { ClientInfo } from '../../auth/tokens/refresh-token.service.js';
import { CurrentUser, type AuthenticatedUser } from '../../common/decorators/current-user.decorator.js';
import { ApiErrors } from '../../common/errors/api-errors.decorator.js';
import { ApplicationsService } from '../applications/applications.service.js';
import { AdminGuard } from './admin.guard.js';
import { ApplicationDto, CreateApplicationDto, toApplicationDto, toApplicationInput, UpdateApplicationDto } from './application.dto.js';

/** Registering third-party applications (OAuth clients); the admin role only. The same operations: `npm run apps`. */
@ApiTags('admin')
@Controller('admin/applications')
@UseGuards(AdminGuard)
export class ApplicationsController {
  constructor(private readonly applications: ApplicationsService) {}

  @Post()
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Register an application; a confidential one gets its client_secret in this answer only' })
  @ApiCreatedResponse({ type: ApplicationDto })
  @ApiErrors('validation_failed', 'invalid_token', 'admin_required')
  async create(
    @Body() dto: CreateApplicationDto,
    @CurrentUser() auth: AuthenticatedUser,
    @Client() client: ClientInfo,
  ): Promise<ApplicationDto> {
    const input = { ...toApplicationInput(dto), name: dto.name, type: dto.type };
    const { application, clientSecret } = await this.applications.create(input, { userId: auth.userId, client });
    return toApplicationDto(application, clientSecret);
  }

  @Get()
  @ApiOperation({ summary: 'Every registered application' })
  @ApiOkResponse({ type: [ApplicationDto] })
  @ApiErrors('invalid_token', 'admin_required')
  async list(): Promise<ApplicationDto[]> {
    return (await this.applications.list()).map((a) => toApplicationDto(a));
  }

  @Get(':id')
  @ApiOperation({ summary: 'One application' })
  @ApiOkResponse({ type: ApplicationDto })
  @ApiErrors('invalid_token', 'admin_required', 'not_found')
  async show(@Param('id') id: string): Promise<ApplicationDto> {
    return toApplicationDto(await this.applications.get(id));
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change an application (its type is fixed)' })
  @ApiOkResponse({ type: ApplicationDto })
  @ApiErrors('validation_failed', 'invalid_token', 'admin_required', 'not_found')
  async update(
    @Param('id') id: string,
    @Body() dto: UpdateApplicationDto,
    @CurrentUser() auth: AuthenticatedUser,
    @Client() client: ClientInfo,
  ): Promise<ApplicationDto> {
    return toApplicationDto(await this.applications.update(id, toApplicationInput(dto), { userId: auth.userId, client }));
  }

  @Post(':id/secret')
  @Header('cache-control', 'no-store')
  @HttpCode(200)
  @ApiOperation({ summary: 'A new client_secret (shown once); the old one stops working at once' })
  @ApiOkResponse({ type: ApplicationDto })
  @ApiErrors('validation_failed', 'invalid_token', 'admin_required', 'not_found')
  async rotate(@Param('id') id: string, @CurrentUser() auth: AuthenticatedUser, @Client() client: ClientInfo): Promise<ApplicationDto> {
    const { application, clientSecret } = await this.applications.rotateSecret(id, { userId: auth.userId, client });
    return toApplicationDto(application, clientSecret);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an application and everything issued to it; its access tokens stop working at once' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors('invalid_token', 'admin_required', 'not_found')
  async remove(@Param('id') id: string, @CurrentUser() auth: AuthenticatedUser, @Client() client: ClientInfo): Promise<void> {
    await this.applications.remove(id, { userId: auth.userId, client });
  }
}
