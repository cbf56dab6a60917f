import { Args, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { AuthUser, CurrentUser } from '@yg/core';
import { NotificationsService } from './notifications.service';
import {
  MarkReadArgs,
  NotificationConnectionModel,
  NotificationPreferencesModel,
  NotificationsArgs,
  UpdateNotificationPreferencesInput,
} from './models/notification.models';

@Resolver()
export class NotificationsResolver {
  constructor(private readonly service: NotificationsService) {}

  @Query(() => NotificationConnectionModel, {
    description: '我的通知(含未读数) My inbox with the unread count',
  })
  notifications(
    @CurrentUser() user: AuthUser,
    @Args() args: NotificationsArgs,
  ): Promise<NotificationConnectionModel> {
    return this.service.inbox(user, args);
  }

  @Mutation(() => Int, { description: '标为已读,返回更新条数 Mark read; returns how many changed' })
  markNotificationsRead(@CurrentUser() user: AuthUser, @Args() args: MarkReadArgs): Promise<number> {
    return this.service.markRead(user, args);
  }

  @Query(() => NotificationPreferencesModel)
  notificationPreferences(@CurrentUser() user: AuthUser): Promise<NotificationPreferencesModel> {
    return this.service.preferences(user);
  }

  @Mutation(() => NotificationPreferencesModel, { description: '设置外部通知渠道 Choose outside channels' })
  updateNotificationPreferences(
    @CurrentUser() user: AuthUser,
    @Args('input') input: UpdateNotificationPreferencesInput,
  ): Promise<NotificationPreferencesModel> {
    return this.service.updatePreferences(user, input);
  }
}
