import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { AppError } from '../common/errors/app-error.js';
import { isUniqueViolation, TransactionRunner } from '../database/transaction-runner.js';
import type { UpdateMeDto } from './dto/update-me.dto.js';
import { User } from './entities/user.entity.js';

@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly tx: TransactionRunner,
  ) {}

  async get(id: string): Promise<User> {
    const user = await this.users.findOne({ where: { id } });
    if (!user) throw new AppError('invalid_token', 'The user of this token no longer exists');
    if (!user.isActive) throw new AppError('account_inactive', 'This account is inactive');
    return user;
  }

  async update(id: string, dto: UpdateMeDto): Promise<User> {
    const changes: Partial<User> = {};
    if (dto.username !== undefined) changes.username = dto.username;
    if (dto.name !== undefined) changes.name = dto.name;
    if (dto.first_name !== undefined) changes.firstName = dto.first_name;
    if (dto.last_name !== undefined) changes.lastName = dto.last_name;
    await this.get(id);
    if (Object.keys(changes).length > 0) {
      try {
        await this.tx.run((manager) => manager.update(User, { id }, changes));
      } catch (error) {
        if (isUniqueViolation(error)) throw new AppError('username_taken', 'That username is taken', { cause: error });
        throw error;
      }
    }
    return this.get(id);
  }
}
