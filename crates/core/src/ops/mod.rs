//! The operation registry: every operation of the API, listed once.
//!
//! [`for_each_operation!`] hands the list to a macro of the caller's. Core uses it to make
//! the checked methods on [`Core`], the JSON dispatcher the hub serves, the OpenAPI document
//! and the TypeScript operation map; `src-tauri` uses it to make the Tauri commands. Adding
//! an operation is one line here plus its use case.
//!
//! Public operations need no session. Every other one names the permission it needs; the
//! generated method authenticates the token, checks the permission, and only then reads the
//! arguments and runs the use case.

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::ApiError;
use crate::roles::Permission;

mod openapi;
use openapi::{events_path, openapi_document, openapi_path};

pub mod api;

/// The use cases behind the operations; only the generated, permission-checked methods on
/// [`crate::Core`] call them.
mod impls;

#[macro_export]
macro_rules! for_each_operation {
    ($m:ident) => {
        $m! {
            public {
                login(LoginArgs) -> LoginResult, "Sign in with a login and password; returns a bearer token.";
                setup_status(NoArgs) -> SetupStatus, "Whether this database still needs its first owner.";
                centre_setup(CentreSetupArgs) -> LoginResult, "First start: create the centre and its owner (refused once any user exists).";
                demo_seed(NoArgs) -> SetupStatus, "First start: fill an empty database with the demo centre (refused once it has data).";
            }
            session {
                logout(NoArgs) -> Empty [SignedIn], "End the caller's session.";
                session_get(NoArgs) -> UserInfo [SignedIn], "The signed-in user, role and permissions.";
                centre_get(NoArgs) -> Centre [CentreRead], "The centre's settings.";
                centre_update(CentreUpdateArgs) -> Centre [CentreWrite], "Change the centre's settings.";
                clients_search(ClientsSearchArgs) -> ClientsPage [ClientsRead], "Page through clients: text (name in any order and with a typo, phone fragment, e-mail, card number), filters, sorting.";
                clients_count(ClientsSearchArgs) -> ClientsCount [ClientsRead], "How many clients a search of the list matches (paging fields are ignored).";
                clients_by_phone(ClientsByPhoneArgs) -> ClientsByPhone [ClientsPhones], "Every card carrying a phone number, and the children it is guardian of (for roles that see phones).";
                client_get(ClientGetArgs) -> Client [ClientsRead], "One client's card (medical notes only for roles allowed to see them).";
                client_create(ClientCreateArgs) -> Client [ClientsWrite], "Register a person or company; refused with `duplicate` when similar cards exist unless `allow_duplicate`.";
                client_update(ClientUpdateArgs) -> Client [ClientsWrite], "Change a client's card (optimistic: pass the version you read).";
                client_categories_list(NoArgs) -> ClientCategories [ClientsRead], "Client categories with their discount rules, archived ones included.";
                client_categories_create(ClientCategoryCreateArgs) -> ClientCategory [ClientsConfigure], "Add a client category (pensioner, family, gold card…) with its discount rule.";
                client_categories_update(ClientCategoryUpdateArgs) -> ClientCategory [ClientsConfigure], "Rename a category, change its discount rule, archive or restore it.";
                client_categories_reorder(IdOrderArgs) -> ClientCategories [ClientsConfigure], "Put the categories in a new order (every id once).";
                age_bands_list(NoArgs) -> AgeBands [ClientsRead], "The centre's age bands, youngest first.";
                age_bands_save(AgeBandsSaveArgs) -> AgeBands [ClientsConfigure], "Replace the centre's age bands (youngest first, no overlaps).";
                custom_fields_list(NoArgs) -> CustomFields [ClientsRead], "Custom fields of the card, archived ones included, in order.";
                custom_fields_create(CustomFieldCreateArgs) -> CustomField [ClientsConfigure], "Add a custom field (text, number, date, choice, yes/no) for people, companies or both.";
                custom_fields_update(CustomFieldUpdateArgs) -> CustomField [ClientsConfigure], "Rename, change or archive a custom field (archiving keeps its values).";
                custom_fields_reorder(IdOrderArgs) -> CustomFields [ClientsConfigure], "Put the custom fields in a new order (every id once).";
                client_timeline_list(TimelineListArgs) -> TimelinePage [ClientsRead], "A card's timeline, newest first: observations, achievements, awards, penalties, notes, contacts.";
                client_timeline_add(TimelineAddArgs) -> TimelineEntry [ClientsTimeline], "Write on a card's timeline, with attached files; a contact moves the card's last contact.";
                client_timeline_update(TimelineUpdateArgs) -> TimelineEntry [ClientsTimeline], "Correct a timeline entry (its author, or a role that configures clients).";
                client_timeline_delete(TimelineDeleteArgs) -> Empty [ClientsTimeline], "Remove a timeline entry (its author, or a role that configures clients).";
                managers_list(NoArgs) -> Managers [ClientsRead], "Who may be responsible for a card: the centre's active logins, by name.";
                tasks_list(TasksListArgs) -> Tasks [ClientsRead], "Tasks: a card's (open first, due soonest, then the last done), or the caller's own (their reminders), or all they may see; the centre's own tasks only to their assignee and author.";
                task_save(TaskSaveArgs) -> Task [ClientsTimeline], "Plan a task for a card or the centre, for an employee, maybe by a time; or change an open one (optimistic: the version read).";
                task_done(TaskDoneArgs) -> Task [ClientsTimeline], "Mark a task done with what came of it (kept on the card's timeline too; optimistic: the version read).";
                card_layout_get(NoArgs) -> CardLayout [ClientsRead], "The centre's arrangement of the client card: titled groups of fields, in order.";
                card_layout_save(CardLayoutSaveArgs) -> CardLayout [ClientsConfigure], "Arrange the client card's fields into groups (one layout per centre; fields left out go last).";
                saved_filters_list(NoArgs) -> SavedFilters [ClientsRead], "The caller's saved searches of the client list.";
                saved_filters_save(SavedFilterSaveArgs) -> SavedFilter [ClientsRead], "Save a search of the client list under a name (new, or over one of the caller's).";
                saved_filters_delete(SavedFilterDeleteArgs) -> Empty [ClientsRead], "Delete one of the caller's saved searches.";
                clients_merge(ClientsMergeArgs) -> Client [ClientsMerge], "Merge a duplicate card into the kept one: everything moves, nothing is lost, both are kept in the audit log.";
                clients_import(ClientsImportArgs) -> ClientsImportResult [ClientsImport], "Import clients from CSV, XLSX, XLS or ODS (base64, up to 50 MB): dry run, or an all-or-nothing commit unless `skip_invalid`.";
                clients_import_progress(JobProgressArgs) -> JobProgress [ClientsImport], "How far the caller's import with this `job_id` has got.";
                clients_export(ClientsExportArgs) -> ExportFile [ClientsExport], "The filtered client list as XLSX, CSV or printable HTML (base64); formula-like cells are escaped.";
                file_upload(FileUploadArgs) -> FileInfo [ClientsTimeline], "Store a photo or an attachment (base64); the type is read from the bytes; stored once by content.";
                file_get(FileGetArgs) -> FileContent [ClientsRead], "A stored file or its thumbnail, base64.";
                password_change(PasswordChangeArgs) -> UserInfo [SignedIn], "Change one's own password (the old one, then a new one strong enough); one's other sessions end.";
                sessions_list(NoArgs) -> Sessions [SignedIn], "One's own sessions: devices, addresses, when each was last used.";
                sessions_revoke(SessionsRevokeArgs) -> SessionsRevoked [SignedIn], "End one of one's own sessions, or all of them (\"sign out everywhere\").";
                staff_list(StaffListArgs) -> StaffMembers [StaffRead], "The centre's staff, by name: those working now, or everyone; searched by name, position, service or phone.";
                staff_get(StaffGetArgs) -> Staff [StaffRead], "One staff record, with its login if any, author and last editor.";
                staff_create(StaffCreateArgs) -> Staff [StaffWrite], "Add an employee (with or without a login): name, position, phones, e-mail, hire and leave dates, services, notes.";
                staff_update(StaffUpdateArgs) -> Staff [StaffWrite], "Change a staff record (optimistic: pass the version you read).";
                users_list(NoArgs) -> Users [UsersManage], "Every login: role, active, the staff record it belongs to, when last used.";
                user_create(UserCreateArgs) -> UserCreated [UsersManage], "Create a login for a staff member with a role; returns the one-time password once (it must be changed at first sign-in).";
                user_update(UserUpdateArgs) -> User [UsersManage], "Change a login's name, role or active flag (deactivating ends its sessions at once; the last active owner stays one).";
                user_password_reset(UserPasswordResetArgs) -> UserCreated [UsersManage], "Replace a login's password with a one-time one, returned once; its sessions end.";
                roles_list(NoArgs) -> Roles [UsersManage], "The built-in roles and the centre's own, with their permissions and how many logins have each.";
                role_create(RoleCreateArgs) -> RoleInfo [UsersManage], "Make a role of the centre's own from the permission list (starting from a built-in template).";
                role_update(RoleUpdateArgs) -> RoleInfo [UsersManage], "Rename a role or change its permissions (optimistic: pass the version you read); the owner's stay all.";
                backup_now(BackupNowArgs) -> BackupResult [BackupsManage], "Back up the database now (SQLite; online, checked, optionally encrypted); older backups past the number kept are removed.";
                backups_list(NoArgs) -> Backups [BackupsManage], "The backups in the backup folder, newest first.";
                backup_restore(BackupRestoreArgs) -> BackupRestoreResult [BackupsManage], "Owner only: replace all data with a backup, after checking it and backing up the current state first.";
                audit_search(AuditSearchArgs) -> AuditPage [AuditRead], "The audit log, newest first: filter by user, record, operation and dates, or since the last review; each change as before → after of its fields.";
                audit_mark_reviewed(AuditMarkReviewedArgs) -> AuditReview [AuditRead], "Record that the log was reviewed up to a row (the last one by default); the next view can start there.";
                audit_verify(NoArgs) -> AuditVerifyResult [AuditRead], "Check the audit log's hash chain from the first row; reports the first row changed or removed.";
                catalog_categories_list(NoArgs) -> CatalogCategories [MoneyRead], "Catalogue categories in the price list's order, archived ones included.";
                catalog_category_create(CatalogCategoryCreateArgs) -> CatalogCategory [CatalogConfigure], "Add a category of the catalogue (classes, drinks, rentals…).";
                catalog_category_update(CatalogCategoryUpdateArgs) -> CatalogCategory [CatalogConfigure], "Rename or archive a catalogue category (optimistic: pass the version you read).";
                catalog_items_list(CatalogItemsListArgs) -> CatalogItems [MoneyRead], "Services and goods by category and name: price, tax, unit; inactive ones on request.";
                catalog_item_create(CatalogItemCreateArgs) -> CatalogItem [CatalogConfigure], "Add a service or a good: category, price (minor units), tax rate included or added, unit.";
                catalog_item_update(CatalogItemUpdateArgs) -> CatalogItem [CatalogConfigure], "Change a catalogue item or stop selling it (optimistic: pass the version you read).";
                membership_plans_list(MembershipPlansListArgs) -> MembershipPlans [MoneyRead], "Membership plans by name: visits, validity, services covered, cap, price, freeze allowance, family sharing.";
                membership_plan_create(MembershipPlanCreateArgs) -> MembershipPlan [CatalogConfigure], "Add a membership plan.";
                membership_plan_update(MembershipPlanUpdateArgs) -> MembershipPlan [CatalogConfigure], "Change a plan or stop selling it; passes already sold keep their terms.";
                membership_sell(MembershipSellArgs) -> MembershipSale [MoneySell], "Sell a pass: the invoice (with the client category's discount, or the one given) and the membership, in one step.";
                memberships_list(MembershipsListArgs) -> Memberships [MoneyRead], "A client's passes (held or paid for) with state, visits left, dates, freezes and how their invoice stands.";
                membership_freeze(MembershipFreezeArgs) -> Membership [MoneySell], "Freeze a pass for a period within its plan's allowance, with a reason; its end moves by as many days.";
                membership_unfreeze(MembershipUnfreezeArgs) -> Membership [MoneySell], "End a freeze early (or drop one still to come); the end moves back by the days not frozen.";
                membership_extend(MembershipExtendArgs) -> Membership [MoneyRefund], "Add days or visits to a pass, with a reason kept in the audit log.";
                membership_transfer(MembershipTransferArgs) -> Membership [MoneyRefund], "Hand a usable pass to another client (the payer stays), with a reason kept in the audit log.";
                invoice_create(InvoiceCreateArgs) -> Invoice [MoneySell], "Invoice a client (or the guardian or company who pays) for catalogue items and memberships; numbered without gaps.";
                invoice_get(InvoiceGetArgs) -> Invoice [MoneyRead], "One invoice with its lines, payments, paid and due sums.";
                invoices_list(InvoicesListArgs) -> InvoicesPage [MoneyRead], "Invoices newest first: a client's (for them or paid by them), unpaid ones, by dates.";
                invoice_cancel(InvoiceCancelArgs) -> Invoice [MoneyRefund], "Cancel an invoice with nothing paid on it (refund first) and its unused memberships, with a reason.";
                payment_add(PaymentAddArgs) -> PaymentResult [MoneySell], "Take a payment on an invoice (cash, card, transfer, or the payer's credit); more than is due becomes credit.";
                payment_refund(PaymentRefundArgs) -> PaymentResult [MoneyRefund], "Give back part or all of a payment, with a reason, in money or as the payer's credit.";
                cash_journal(CashJournalArgs) -> CashJournal [MoneyRead], "A day's cash desk: every payment, refund and cash move with its author, totals by method, the cash the drawer should hold, and the closing if done.";
                cash_move(CashMoveArgs) -> CashJournal [MoneySell], "Put cash in the drawer or take it out, with a reason (never more than it should hold).";
                cash_day_close(CashDayCloseArgs) -> CashDayClose [CashClose], "Close a day: the counted cash against the expected, the difference recorded; the day's money operations are locked from then on.";
                contracts_list(ContractsListArgs) -> Contracts [MoneyRead], "Contracts: a client's (served or signing), or those running now; with `ending_within_days`, those ending soon and not renewed.";
                contract_get(ContractGetArgs) -> Contract [MoneyRead], "One contract with the invoices issued under it.";
                contract_create(ContractCreateArgs) -> Contract [MoneySell], "Make a contract with a client (or the guardian or company who pays), numbered without gaps.";
                contract_update(ContractUpdateArgs) -> Contract [MoneySell], "Change a contract's parties, dates or note (optimistic: pass the version you read).";
                contract_renew(ContractRenewArgs) -> Contract [MoneySell], "Renew a contract: a new one for the same parties from the day after it ends.";
                contract_cancel(ContractCancelArgs) -> Contract [MoneyRefund], "Cancel a contract, with a reason.";
                flags_get(FlagsGetArgs) -> ClientFlagsList [ClientsRead], "Red flags of up to 1,000 cards, each with its reason (visits low, ending soon, unpaid, frozen, expired, debt, medical note, no guardian); only flagged cards come back, amounts only for roles that see money.";
                flag_settings_get(NoArgs) -> FlagSettings [ClientsRead], "The red flags' thresholds.";
                flag_settings_save(FlagSettingsSaveArgs) -> FlagSettings [CatalogConfigure], "Change the red flags' thresholds (optimistic: pass the version you read).";
                credit_refund(CreditRefundArgs) -> PaymentResult [MoneyRefund], "Pay out part or all of a payer's credit in cash, by card or by transfer, with a reason (never more than the credit).";
                client_balance(ClientBalanceArgs) -> Balance [MoneyRead], "What a client owes as a payer, their credit, and what others owe for them; summed from invoices and payments.";
                rooms_list(RoomsListArgs) -> Rooms [ScheduleRead], "The centre's rooms by name: capacity, equipment, opening hours per weekday; archived ones on request.";
                rooms_create(RoomsCreateArgs) -> Room [ScheduleConfigure], "Add a room: name, capacity, equipment tags, opening hours per weekday (local HH:MM).";
                rooms_update(RoomsUpdateArgs) -> Room [ScheduleConfigure], "Change a room or archive it (optimistic: pass the version you read).";
                services_list(ServicesListArgs) -> Services [ScheduleRead], "The catalogue's services as the timetable sees them: colour, usual length, equipment needed, who teaches them.";
                services_create(ServicesCreateArgs) -> Service [ScheduleConfigure], "Add a service to the catalogue with its colour, length and equipment (needs catalog_configure too).";
                services_update(ServicesUpdateArgs) -> Service [ScheduleConfigure], "Change a service's colour, usual length or equipment needed (optimistic: pass the version you read, 0 the first time).";
                instructors_list(InstructorsListArgs) -> Instructors [ScheduleRead], "Current staff with the services they teach and the hours they can teach (local time).";
                instructor_update(InstructorUpdateArgs) -> Instructor [ScheduleConfigure], "Set what an instructor teaches and when they can (optimistic: the staff record's version).";
                holidays_list(HolidaysListArgs) -> Holidays [ScheduleRead], "Days the centre is closed (no classes), from a day on.";
                holidays_add(HolidaysAddArgs) -> Holiday [ScheduleConfigure], "Close the centre on a day: its classes are not given.";
                holidays_remove(HolidaysRemoveArgs) -> Empty [ScheduleConfigure], "Open the centre again on a day.";
                groups_list(GroupsListArgs) -> Groups [ScheduleRead], "Groups and individual lessons by name, with their current slots, members and waiting counts.";
                groups_get(GroupGetArgs) -> Group [ScheduleRead], "One group with its current slots.";
                groups_create(GroupsCreateArgs) -> Group [ScheduleConfigure], "Add a group (or individual lessons) with weekly slots; the slots are checked against rooms, instructors and members.";
                groups_update(GroupsUpdateArgs) -> Group [ScheduleConfigure], "Change a group; changed slots apply from a day on, earlier classes keep theirs (optimistic: pass the version you read).";
                group_members_list(GroupMembersListArgs) -> GroupMembers [ScheduleRead], "A group's members today (and former ones on request).";
                group_members_set(GroupMembersSetArgs) -> GroupMembersResult [ScheduleWrite], "Make these clients the group's members from a day; those past its capacity go on the waitlist, and a freed place is offered to the first waiting.";
                waitlist_list(WaitlistListArgs) -> Waitlist [ScheduleRead], "Waiting clients by group, first first (closed entries on request).";
                waitlist_add(WaitlistAddArgs) -> WaitlistEntry [ScheduleWrite], "Put a client on a group's waitlist (offered a place at once if one is free).";
                waitlist_resolve(WaitlistResolveArgs) -> WaitlistEntry [ScheduleWrite], "Accept (join the group), decline (the place goes to the next) or remove a waitlist entry.";
                timetable_propose(TimetableProposeArgs) -> TimetableProposal [ScheduleConfigure], "Propose a week without clashes for every group planned automatically (locked, fortnightly and unplanned classes stay): spread over the week, compact instructor days, returning groups kept at their times; with its score, a lower bound and the groups that cannot be placed.";
                timetable_apply(TimetableApplyArgs) -> Groups [ScheduleConfigure], "Make these groups' slots the timetable from a day on, checked together against every other group with the rules of a slot typed by hand; earlier classes keep their times (optimistic: each group's version).";
                schedule_week(ScheduleWeekArgs) -> ScheduleWeek [ScheduleRead], "The classes of a week (or up to 42 days) from a day, all or one room's, instructor's or group's, with members booked and the red-flagged ones.";
                occurrence_get(OccurrenceGetArgs) -> OccurrenceDetail [ScheduleRead], "One class with its attendance sheet: members and others marked, their marks, passes, make-ups and flags.";
                occurrence_update(OccurrenceUpdateArgs) -> Occurrence [ScheduleWrite], "Cancel (with a reason), restore, move (checked against that day's classes) or give another instructor to one class.";
                attendance_mark(AttendanceMarkArgs) -> MarkResult [AttendanceMark], "Mark a client present, late, absent or excused at a class; applied once per op_id; refused if the class was cancelled or held.";
                class_hold(ClassHoldArgs) -> HoldResult [AttendanceMark], "Hold a class: each client who came pays a visit (or the group's price) from the pass ending first, or owes it; applied once per op_id.";
                class_hold_undo(ClassHoldArgs) -> HoldResult [AttendanceMark], "Undo a hold on its own day: every visit goes back; applied once per op_id.";
                instructor_calendar_feed(CalendarFeedArgs) -> CalendarFeed [ScheduleConfigure], "Turn an instructor's calendar feed on (a new private address, shown once; the old one stops working) or off.";
                pay_rules_list(PayRulesListArgs) -> PayRules [PayRead], "Instructors' pay rules (one instructor's on request), each in force from its day until the next for the same instructor and service.";
                pay_rules_create(PayRulesCreateArgs) -> PayRule [PayConfigure], "A pay rule from a day on (after the last approved period): per class, per attendee, tiers, a percent of the visits' value, an empty-class base, a substitute's pay. Earlier pay never moves.";
                pay_rules_delete(PayRulesDeleteArgs) -> Empty [PayConfigure], "Delete a pay rule that has not paid an approved period.";
                pay_statement(PayStatementArgs) -> PayStatement [PayRead], "An instructor's pay from the classes held over days (local), each with attendees, the visits' value, the rule in force and the sum; approved classes as approved.";
                pay_periods_list(NoArgs) -> PayPeriods [PayRead], "Approved pay periods, newest first.";
                pay_period_approve(PayPeriodApproveArgs) -> PayPeriod [PayConfigure], "Approve the pay of a finished span of days (the day after the last approved): every class's line kept as it stands, and its classes locked.";
                instructor_rankings(InstructorRankingsArgs) -> InstructorRankings [PayRead], "Instructors over days: clients who joined and left their groups, classes held, attendees, the visits' value.";
                pbx_settings_get(NoArgs) -> PbxSettings [TelephonyConfigure], "The PBX settings: an office Asterisk or a cloud PBX, click-to-call context and prefix, whose phone each extension is (secrets are never returned, only whether one is set).";
                pbx_settings_update(PbxSettingsUpdateArgs) -> PbxSettings [TelephonyConfigure], "Change the PBX settings (a secret left out stays as it was; optimistic: the version read).";
                pbx_status(NoArgs) -> PbxStatus [CallsRead], "How the PBX link is doing (connected, login refused, down and why), calls in progress, and the caller's own extension.";
                pbx_demo_call(NoArgs) -> Empty [CallsRead], "With no PBX set up: play a call recorded from a real Asterisk (it rings extensions 101 and 102, 101 answers), to see the popup, the answer and the log.";
                calls_list(CallsListArgs) -> Calls [CallsRead], "The call log over the centre's days (the last 7 by default), newest first: direction, number, who rang and answered, ring and talk time, missed, the cards carrying the number; filtered by card, direction, employee, missed.";
                call_get(CallGetArgs) -> Call [CallsRead], "One call of the log.";
                calls_report(CallsReportArgs) -> CallsReport [CallsRead], "Calls over the centre's days (the last 30 by default): totals and missed rate by day, week or month, by hour of day, by employee, by the caller's country, and talk-time bands.";
                call_originate(CallOriginateArgs) -> CallOriginated [CallsMake], "Click-to-call: the caller's own phone rings, then the PBX dials the number (with the centre's prefix and format), tagged with the card it is for.";
                callbacks_list(CallbacksListArgs) -> Callbacks [CallsRead], "Missed calls to call back (open ones; closed too on request), each the card's responsible manager's or the reception's.";
                callback_close(CallbackCloseArgs) -> Callback [CallsMake], "Close a call-back: called back, or closed with a note (optimistic: the version read).";
                message_settings_get(NoArgs) -> MessageSettings [MessagingConfigure], "How messages leave: the mail server (SMTP, TLS) and the SMS gateway (an HTTP request from a template, or SMPP); passwords are never returned, only whether one is set.";
                message_settings_update(MessageSettingsUpdateArgs) -> MessageSettings [MessagingConfigure], "Change how messages leave (a password left out stays as it was; optimistic: the version read).";
                message_inbound_key_rotate(MessageInboundKeyRotateArgs) -> MessageSettings [MessagingConfigure], "Make a new inbound key for the SMS gateway's replies and delivery reports (the old one is refused from then on; optimistic: the version read).";
                message_templates_list(NoArgs) -> MessageTemplates [MessagesSend], "The centre's message templates, e-mail and SMS, each with its text in the languages it is written in.";
                message_templates_save(MessageTemplateSaveArgs) -> MessageTemplate [MessagingConfigure], "Add or change a message template (every field checked; optimistic: the version read); archive it to stop using it.";
                message_send(MessageSendArgs) -> MessageSendResult [MessagesSend], "Queue an e-mail or SMS to cards or a class group, from a template in each client's language or a text written now; those who opted out, have no address or lack a field's value are listed, not sent.";
                messages_list(MessagesListArgs) -> Messages [MessagesSend], "Messages sent or queued, newest first (a card's, or all): address, text, how it went (queued, sent, delivered, failed and why).";
                message_optout_set(MessageOptoutArgs) -> Empty [ClientsWrite], "A client opts out of (or back into) e-mail or SMS from the centre.";
                call_ratings_list(CallRatingsArgs) -> CallRatings [CallsRead], "How callers rated the employee who answered (asked by SMS after the call): by employee, asked, rated and the average, and the latest replies.";
                voice_broadcast_start(VoiceBroadcastStartArgs) -> VoiceBroadcast [MessagesSend], "Play an uploaded WAV recording through the office PBX to some cards, a group or a saved search (the first number of each card; those who opted out of SMS left out), one call after another.";
                voice_broadcasts_list(NoArgs) -> VoiceBroadcasts [MessagesSend], "The latest voice broadcasts with how many calls were placed or failed.";
                client_messaging_get(ClientMessagingArgs) -> ClientMessaging [ClientsRead], "A card's messaging preferences: the language the centre writes in, and the channels the client opted out of.";
                client_language_set(ClientLanguageArgs) -> ClientMessaging [ClientsWrite], "Set the language the centre writes to a client in (empty: each template's first).";
                campaigns_list(NoArgs) -> Campaigns [MessagesSend], "The centre's campaigns: one-off ones and those sent every day (a pass that ends in N days, a birthday), each with when it goes next and how its last run went.";
                campaigns_save(CampaignSaveArgs) -> Campaign [MessagesSend], "Add or change a campaign: a template sent once at a time, or every day at the centre's time of day to those whose pass ends in N days or whose birthday it is, to everyone, some cards, a group or one of its owner's saved searches; pause or archive it (optimistic: the version read).";
                document_render(DocumentRenderArgs) -> DocumentFile [MoneyRead], "Print an invoice, a receipt (of a payment), a contract or the price list as PDF (base64), with the centre's template, in the given language.";
                document_templates_list(NoArgs) -> DocumentTemplates [MoneyRead], "The template of each printed document (the built-in one where the centre has not saved its own).";
                document_template_save(DocumentTemplateSaveArgs) -> DocumentTemplate [CatalogConfigure], "Save a document template (typst); refused with each error's line and column when it does not typeset, and the previous one stays.";
                document_template_reset(DocumentTemplateResetArgs) -> DocumentTemplate [CatalogConfigure], "Go back to the built-in template of a document.";
                document_template_preview(DocumentPreviewArgs) -> DocumentPreview [CatalogConfigure], "Typeset a template being edited (sample data, or a record's) to SVG pages, or return its errors with line and column.";
            }
        }
    };
}

/// One entry of the registry, for listings and tests.
#[derive(Debug, Clone, Copy)]
pub struct Operation {
    pub name: &'static str,
    /// None for public operations.
    pub permission: Option<Permission>,
    pub summary: &'static str,
}

/// The largest request body most operations accept.
pub const MAX_BODY: usize = 2 * 1024 * 1024;

/// The largest request body `op` accepts: files travel as base64 (4 bytes per 3).
pub fn max_body(op: &str) -> usize {
    let b64 = |n: usize| n / 3 * 4 + 64 * 1024;
    match op {
        "file_upload" => b64(crate::files::MAX_ATTACHMENT),
        "clients_import" => b64(crate::clients::import::MAX_FILE),
        _ => MAX_BODY,
    }
}

/// The error for a body over [`max_body`].
pub fn too_large(op: &str) -> ApiError {
    let max = max_body(op);
    ApiError::TooLarge {
        max_bytes: max as u64,
        message: format!(
            "the request is larger than {} MB, the most `{op}` accepts",
            max / (1024 * 1024)
        ),
    }
}

/// Reads an operation's arguments from JSON, naming the field that is wrong.
pub fn parse_args<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let body: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        body
    };
    let de = &mut serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let inner = e.inner();
        if inner.is_syntax() || inner.is_eof() || inner.is_io() {
            return ApiError::bad_request(format!("malformed JSON: {inner}"));
        }
        let path = dotted(&e.path().to_string());
        let message = inner.to_string();
        let message = message
            .split(" at line ")
            .next()
            .unwrap_or(&message)
            .to_string();
        let field = match message
            .strip_prefix("missing field `")
            .and_then(|m| m.split('`').next())
        {
            Some(name) if path == "." => name.to_string(),
            Some(name) => format!("{path}.{name}"),
            None => path,
        };
        let code = if message.starts_with("missing field") {
            "required"
        } else {
            "invalid"
        };
        ApiError::field(field, code, message)
    })
}

/// serde's `client.phones[0].number` as core's `client.phones.0.number`.
fn dotted(path: &str) -> String {
    path.replace('[', ".").replace(']', "")
}

fn to_json<T: Serialize>(v: T) -> Result<serde_json::Value, ApiError> {
    serde_json::to_value(v).map_err(|e| {
        tracing::error!(error = %e, "serialising a result failed");
        ApiError::Internal {
            message: "could not encode the result".into(),
        }
    })
}

macro_rules! core_operations {
    (
        public { $( $pn:ident ( $pa:ident ) -> $pr:ident , $pdoc:literal ; )* }
        session { $( $sn:ident ( $sa:ident ) -> $sr:ident [ $perm:ident ] , $sdoc:literal ; )* }
    ) => {
        use api::*;

        /// Every operation, in registry order.
        pub const OPERATIONS: &[Operation] = &[
            $( Operation { name: stringify!($pn), permission: None, summary: $pdoc }, )*
            $( Operation { name: stringify!($sn), permission: Some(Permission::$perm), summary: $sdoc }, )*
        ];

        impl crate::Core {
            $(
                #[doc = $pdoc]
                pub async fn $pn(&self, args: $pa) -> Result<$pr, ApiError> {
                    let result = impls::$pn(self, args).await;
                    self.changed();
                    result
                }
            )*
            $(
                #[doc = $sdoc]
                pub async fn $sn(&self, token: Option<&str>, args: $sa) -> Result<$sr, ApiError> {
                    let session = self.authorize(token, Permission::$perm).await?;
                    let result = impls::$sn(self, &session, args).await;
                    self.changed();
                    result
                }
            )*

            /// Runs an operation by name on JSON arguments: the hub's one route.
            /// Authentication and the permission check come before the arguments are read.
            pub async fn call_json(&self, op: &str, token: Option<&str>, body: &[u8]) -> Result<serde_json::Value, ApiError> {
                match op {
                    $( stringify!($pn) => to_json(self.$pn(parse_args::<$pa>(body)?).await?), )*
                    $( stringify!($sn) => {
                        let session = self.authorize(token, Permission::$perm).await?;
                        let result = impls::$sn(self, &session, parse_args::<$sa>(body)?).await;
                        self.changed();
                        to_json(result?)
                    } )*
                    _ => Err(ApiError::NotFound { entity: "operation".into(), message: format!("no operation named {op:?}") }),
                }
            }
        }

        /// The OpenAPI 3.1 document of every operation, from the same definitions.
        pub fn openapi(version: &str) -> serde_json::Value {
            let mut gen = schemars::generate::SchemaSettings::draft2020_12()
                .with(|s| s.definitions_path = "#/components/schemas/".into())
                .into_generator();
            let error = gen.subschema_for::<ApiError>();
            let mut paths = serde_json::Map::new();
            $( paths.insert(format!("/api/{}", stringify!($pn)), openapi_path(stringify!($pn), $pdoc, None, gen.subschema_for::<$pa>(), gen.subschema_for::<$pr>(), &error)); )*
            $( paths.insert(format!("/api/{}", stringify!($sn)), openapi_path(stringify!($sn), $sdoc, Some(Permission::$perm), gen.subschema_for::<$sa>(), gen.subschema_for::<$sr>(), &error)); )*
            paths.insert("/api/events".into(), events_path(gen.subschema_for::<ChangeEvent>(), &error));
            let schemas: serde_json::Map<String, serde_json::Value> = gen.take_definitions(true).into_iter().collect();
            openapi_document(version, paths, schemas)
        }

        /// The TypeScript map from operation name to argument and result types, appended
        /// to the generated bindings so the UI's one `api` object is typed end to end.
        pub fn typescript_operations() -> String {
            let mut out = String::from("\n/** Every operation: its arguments and result (generated from the operation registry). */\nexport type Operations = {\n");
            $( out.push_str(&format!("\t{}: {{ args: {}; result: {}; public: true }};\n", stringify!($pn), stringify!($pa), ts_name(stringify!($pr)))); )*
            $( out.push_str(&format!("\t{}: {{ args: {}; result: {}; public: false }};\n", stringify!($sn), stringify!($sa), ts_name(stringify!($sr)))); )*
            out.push_str("};\n");
            out
        }
    };
}

fn ts_name(rust: &str) -> &str {
    if rust == "Empty" {
        return "null";
    }
    api::LIST_ALIASES
        .iter()
        .find(|(alias, _)| *alias == rust)
        .map_or(rust, |(_, ts)| ts)
}

for_each_operation!(core_operations);

#[cfg(test)]
mod tests;
