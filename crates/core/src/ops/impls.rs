//! The use cases behind the operations, by name.

pub(crate) use crate::audit::{audit_mark_reviewed, audit_search, audit_verify};
pub(crate) use crate::auth::{
    centre_setup, login, logout, password_change, session_get, sessions_list, sessions_revoke,
    setup_status, user_create, user_password_reset, user_update, users_list,
};
pub(crate) use crate::backup::{backup_now, backup_restore, backups_list};
pub(crate) use crate::centre::{centre_get, centre_update};
pub(crate) use crate::clients::age_bands::{age_bands_list, age_bands_save};
pub(crate) use crate::clients::by_phone::clients_by_phone;
pub(crate) use crate::clients::cards::{client_create, client_get, client_update};
pub(crate) use crate::clients::categories::{
    client_categories_create, client_categories_list, client_categories_reorder,
    client_categories_update,
};
pub(crate) use crate::clients::custom::{
    custom_fields_create, custom_fields_list, custom_fields_reorder, custom_fields_update,
};
pub(crate) use crate::clients::export::clients_export;
pub(crate) use crate::clients::import::{clients_import, clients_import_progress};
pub(crate) use crate::clients::layout::{card_layout_get, card_layout_save};
pub(crate) use crate::clients::listing::{clients_count, clients_search};
pub(crate) use crate::clients::managers::managers_list;
pub(crate) use crate::clients::merge::clients_merge;
pub(crate) use crate::clients::saved_filters::{
    saved_filters_delete, saved_filters_list, saved_filters_save,
};
pub(crate) use crate::clients::timeline::{
    client_timeline_add, client_timeline_delete, client_timeline_list, client_timeline_update,
};
pub(crate) use crate::demo::demo_seed;
pub(crate) use crate::documents::{
    document_render, document_template_preview, document_template_reset, document_template_save,
    document_templates_list,
};
pub(crate) use crate::files::{file_get, file_upload};
pub(crate) use crate::messaging::campaigns::{campaigns_list, campaigns_save};
pub(crate) use crate::messaging::list::{message_optout_set, messages_list};
pub(crate) use crate::messaging::preferences::{client_language_set, client_messaging_get};
pub(crate) use crate::messaging::rating::list::call_ratings_list;
pub(crate) use crate::messaging::send::message_send;
pub(crate) use crate::messaging::settings::{
    message_inbound_key_rotate, message_settings_get, message_settings_update,
};
pub(crate) use crate::messaging::templates::{message_templates_list, message_templates_save};
pub(crate) use crate::money::cash::{cash_day_close, cash_journal, cash_move};
pub(crate) use crate::money::catalog::{
    catalog_categories_list, catalog_category_create, catalog_category_update, catalog_item_create,
    catalog_item_update, catalog_items_list,
};
pub(crate) use crate::money::contracts::{
    contract_cancel, contract_create, contract_get, contract_renew, contract_update, contracts_list,
};
pub(crate) use crate::money::flags::{flag_settings_get, flag_settings_save, flags_get};
pub(crate) use crate::money::invoices::{
    invoice_cancel, invoice_create, invoice_get, invoices_list,
};
pub(crate) use crate::money::memberships::{
    membership_extend, membership_freeze, membership_sell, membership_transfer,
    membership_unfreeze, memberships_list,
};
pub(crate) use crate::money::payments::{
    client_balance, credit_refund, payment_add, payment_refund,
};
pub(crate) use crate::money::plans::{
    membership_plan_create, membership_plan_update, membership_plans_list,
};
pub(crate) use crate::roles::store::{role_create, role_update, roles_list};
pub(crate) use crate::schedule::attendance::{
    attendance_mark, class_hold, class_hold_undo, occurrence_get,
};
pub(crate) use crate::schedule::calendar::instructor_calendar_feed;
pub(crate) use crate::schedule::groups::{
    group_members_list, group_members_set, groups_create, groups_get, groups_list, groups_update,
};
pub(crate) use crate::schedule::holidays::{holidays_add, holidays_list, holidays_remove};
pub(crate) use crate::schedule::instructors::{instructor_update, instructors_list};
pub(crate) use crate::schedule::occurrences::{occurrence_update, schedule_week};
pub(crate) use crate::schedule::pay::{
    instructor_rankings, pay_period_approve, pay_periods_list, pay_rules_create, pay_rules_delete,
    pay_rules_list, pay_statement,
};
pub(crate) use crate::schedule::rooms::{rooms_create, rooms_list, rooms_update};
pub(crate) use crate::schedule::services::{services_create, services_list, services_update};
pub(crate) use crate::schedule::timetable::{timetable_apply, timetable_propose};
pub(crate) use crate::schedule::waitlist::{waitlist_add, waitlist_list, waitlist_resolve};
pub(crate) use crate::staff::{staff_create, staff_get, staff_list, staff_update};
pub(crate) use crate::tasks::{task_done, task_save, tasks_list};
pub(crate) use crate::telephony::broadcast::{voice_broadcast_start, voice_broadcasts_list};
pub(crate) use crate::telephony::callbacks::{callback_close, callbacks_list};
pub(crate) use crate::telephony::demo_call::pbx_demo_call;
pub(crate) use crate::telephony::dial::call_originate;
pub(crate) use crate::telephony::log::{call_get, calls_list};
pub(crate) use crate::telephony::report::calls_report;
pub(crate) use crate::telephony::settings::{pbx_settings_get, pbx_settings_update};
pub(crate) use crate::telephony::status::pbx_status;
