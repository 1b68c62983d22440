//! Everything the API speaks, for adapters: `use hallpass_core::api::*`.

pub use crate::audit::chain::{AuditVerifyResult, BrokenLink};
pub use crate::audit::{
    AuditMarkReviewedArgs, AuditPage, AuditReview, AuditRow, AuditSearchArgs, FieldChange,
};
pub use crate::auth::{
    PasswordChangeArgs, SessionInfo, SessionsRevokeArgs, SessionsRevoked, User, UserCreateArgs,
    UserCreated, UserPasswordResetArgs, UserUpdateArgs,
};
pub use crate::backup::restore_types::BackupRestoreResult;
pub use crate::backup::{BackupInfo, BackupNowArgs, BackupRestoreArgs, BackupResult};
pub use crate::roles::{Permissions, RoleCreateArgs, RoleInfo, RoleUpdateArgs};
pub use crate::staff::{
    Staff, StaffCreateArgs, StaffGetArgs, StaffInput, StaffListArgs, StaffPhone, StaffPhoneInput,
    StaffUpdateArgs,
};
pub type Backups = Vec<BackupInfo>;
pub type StaffMembers = Vec<Staff>;
pub type Users = Vec<User>;
pub type Roles = Vec<RoleInfo>;
pub type Sessions = Vec<SessionInfo>;
pub use crate::auth::{CentreSetupArgs, LoginArgs, LoginResult, NoArgs, SetupStatus, UserInfo};
pub use crate::centre::{Centre, CentreInput, CentreUpdateArgs};
pub use crate::changes::{ChangeEvent, LiveEvent, Source};
pub use crate::clients::{
    AgeBand, AgeBandInput, AgeBandsSaveArgs, AppliesTo, AttachedFile, CardLayout,
    CardLayoutSaveArgs, CardRef, Client, ClientCategory, ClientCategoryCreateArgs,
    ClientCategoryInput, ClientCategoryUpdateArgs, ClientCreateArgs, ClientDocument, ClientFilters,
    ClientGetArgs, ClientInput, ClientKind, ClientPhone, ClientSort, ClientStatus, ClientSummary,
    ClientUpdateArgs, ClientsByPhone, ClientsByPhoneArgs, ClientsCount, ClientsMergeArgs,
    ClientsPage, ClientsSearchArgs, ContactChannel, ContactLink, ContactPersonInput, CustomField,
    CustomFieldCreateArgs, CustomFieldInput, CustomFieldKind, CustomFieldUpdateArgs, CustomFilter,
    CustomValue, Discount, DiscountRule, GroupPreset, GuardianInput, GuardianLink,
    GuardianRelation, IdOrderArgs, LabelledValue, LayoutGroup, Messenger, MessengerApp,
    NewPersonInput, PhoneInput, PhoneMatch, PurchaseStep, Reliability, SavedFilter,
    SavedFilterDeleteArgs, SavedFilterSaveArgs, TimelineAddArgs, TimelineDeleteArgs, TimelineEntry,
    TimelineEntryInput, TimelineEvent, TimelineFile, TimelineKind, TimelineListArgs, TimelinePage,
    TimelineUpdateArgs, UserRef,
};
pub use crate::clients::{ClientsExportArgs, ExportFile, ExportFormat};
pub use crate::clients::{
    ClientsImportArgs, ClientsImportResult, ColumnTarget, ImportColumn, ImportDuplicate,
    ImportError, ImportPreviewLine,
};
pub use crate::files::{FileContent, FileGetArgs, FileInfo, FilePurpose, FileUploadArgs};
pub use crate::progress::{JobProgress, JobProgressArgs};
pub type SavedFilters = Vec<SavedFilter>;
pub type ClientCategories = Vec<ClientCategory>;
pub type CustomFields = Vec<CustomField>;
pub type AgeBands = Vec<AgeBand>;
pub type Managers = Vec<UserRef>;
/// The list results above as TypeScript spells them.
pub const LIST_ALIASES: &[(&str, &str)] = &[
    ("ClientCategories", "ClientCategory[]"),
    ("CustomFields", "CustomField[]"),
    ("AgeBands", "AgeBand[]"),
    ("SavedFilters", "SavedFilter[]"),
    ("Managers", "UserRef[]"),
    ("Tasks", "Task[]"),
    ("StaffMembers", "Staff[]"),
    ("Users", "User[]"),
    ("Roles", "RoleInfo[]"),
    ("Sessions", "SessionInfo[]"),
    ("Backups", "BackupInfo[]"),
    ("CatalogCategories", "CatalogCategory[]"),
    ("CatalogItems", "CatalogItem[]"),
    ("MembershipPlans", "MembershipPlan[]"),
    ("Memberships", "Membership[]"),
    ("ClientFlagsList", "ClientFlags[]"),
    ("Contracts", "Contract[]"),
    ("DocumentTemplates", "DocumentTemplate[]"),
    ("Rooms", "Room[]"),
    ("Services", "Service[]"),
    ("Instructors", "Instructor[]"),
    ("Holidays", "Holiday[]"),
    ("Groups", "Group[]"),
    ("PayRules", "PayRule[]"),
    ("Calls", "Call[]"),
    ("Callbacks", "Callback[]"),
    ("MessageTemplates", "MessageTemplate[]"),
    ("Messages", "Message[]"),
    ("Campaigns", "Campaign[]"),
    ("VoiceBroadcasts", "VoiceBroadcast[]"),
    ("PayPeriods", "PayPeriod[]"),
    ("GroupMembers", "GroupMember[]"),
    ("Waitlist", "WaitlistEntry[]"),
];
pub use crate::documents::{
    DocumentFile, DocumentKind, DocumentPreview, DocumentPreviewArgs, DocumentRenderArgs,
    DocumentTemplate, DocumentTemplateResetArgs, DocumentTemplateSaveArgs, Lang, TemplateProblem,
};
pub use crate::money::amount::{LinePrice, Tax};
pub use crate::money::cash::{
    CashDayClose, CashDayCloseArgs, CashEntry, CashEntryKind, CashJournal, CashJournalArgs,
    CashMoveArgs, CashMoveKind, MethodTotal,
};
pub use crate::money::catalog::{
    CatalogCategory, CatalogCategoryCreateArgs, CatalogCategoryInput, CatalogCategoryUpdateArgs,
    CatalogItem, CatalogItemCreateArgs, CatalogItemInput, CatalogItemUpdateArgs,
    CatalogItemsListArgs, ItemKind,
};
pub use crate::money::contracts::{
    Contract, ContractCancelArgs, ContractCreateArgs, ContractGetArgs, ContractInput,
    ContractRenewArgs, ContractState, ContractUpdateArgs, ContractsListArgs,
};
pub use crate::money::flags::{
    ClientFlags, Flag, FlagSettings, FlagSettingsSaveArgs, FlagsGetArgs,
};
pub use crate::money::invoices::{
    Invoice, InvoiceCancelArgs, InvoiceCreateArgs, InvoiceGetArgs, InvoiceLine, InvoiceStatus,
    InvoiceSummary, InvoicesListArgs, InvoicesPage, LineInput, LineKind,
};
pub use crate::money::memberships::{
    Freeze, Membership, MembershipExtendArgs, MembershipFreezeArgs, MembershipSale,
    MembershipSellArgs, MembershipState, MembershipTransferArgs, MembershipUnfreezeArgs,
    MembershipsListArgs,
};
pub use crate::money::payments::balance::ClientBalanceArgs;
pub use crate::money::payments::{
    Balance, CreditRefundArgs, Payment, PaymentAddArgs, PaymentKind, PaymentMethod,
    PaymentRefundArgs, PaymentResult,
};
pub use crate::money::plans::{
    CapPeriod, MembershipPlan, MembershipPlanCreateArgs, MembershipPlanInput,
    MembershipPlanUpdateArgs, MembershipPlansListArgs, PlanStart, ServiceRef, Validity,
    ValidityUnit, VisitCap,
};
pub use crate::money::Party;
pub type DocumentTemplates = Vec<DocumentTemplate>;
pub use crate::schedule::hours::OpeningSpan;
pub use crate::schedule::rooms::{
    Room, RoomInput, RoomsCreateArgs, RoomsListArgs, RoomsUpdateArgs,
};
pub type Rooms = Vec<Room>;
pub use crate::messaging::campaigns::{
    Campaign, CampaignAudience, CampaignInput, CampaignKind, CampaignSaveArgs,
};
pub type Campaigns = Vec<Campaign>;
pub use crate::messaging::preferences::{ClientLanguageArgs, ClientMessaging, ClientMessagingArgs};
pub use crate::telephony::broadcast::{VoiceBroadcast, VoiceBroadcastStartArgs};
pub type VoiceBroadcasts = Vec<VoiceBroadcast>;
pub use crate::messaging::list::{Message, MessageOptoutArgs, MessageStatus, MessagesListArgs};
pub use crate::messaging::rating::list::{
    CallRatings, CallRatingsArgs, EmployeeRating, RatingReply,
};
pub use crate::messaging::send::{MessageSendArgs, MessageSendResult, SkipReason, Skipped};
pub use crate::messaging::settings::{
    Header, MessageInboundKeyRotateArgs, MessageSettings, MessageSettingsInput,
    MessageSettingsUpdateArgs, SmsKind, SmtpSecurity,
};
pub use crate::messaging::templates::{
    MessageChannel, MessageTemplate, MessageTemplateInput, MessageTemplateSaveArgs, TemplateText,
};
pub use crate::schedule::attendance::{
    AttendanceMarkArgs, AttendanceStatus, ClassHoldArgs, HoldResult, MarkResult, OccurrenceDetail,
    OccurrenceGetArgs, PassInfo, SheetLine, VisitKind, WriteOff,
};
pub use crate::schedule::calendar::{CalendarFeed, CalendarFeedArgs};
pub use crate::schedule::conflicts::{Conflict, ConflictKind};
pub use crate::schedule::groups::{
    Group, GroupGetArgs, GroupInput, GroupKind, GroupMember, GroupMembersListArgs,
    GroupMembersResult, GroupMembersSetArgs, GroupsCreateArgs, GroupsListArgs, GroupsUpdateArgs,
    Slot, SlotInput,
};
pub use crate::schedule::holidays::{
    Holiday, HolidaysAddArgs, HolidaysListArgs, HolidaysRemoveArgs,
};
pub use crate::schedule::instructors::{Instructor, InstructorUpdateArgs, InstructorsListArgs};
pub use crate::schedule::occurrences::{
    FlaggedClient, Occurrence, OccurrenceChange, OccurrenceStatus, OccurrenceUpdateArgs,
    ScheduleWeek, ScheduleWeekArgs,
};
pub use crate::schedule::pay::{
    InstructorRank, InstructorRankings, InstructorRankingsArgs, PayLine, PayPeriod,
    PayPeriodApproveArgs, PayRule, PayRuleInput, PayRulesCreateArgs, PayRulesDeleteArgs,
    PayRulesListArgs, PayStatement, PayStatementArgs, Tier,
};
pub use crate::schedule::services::{
    Service, ServiceSettingsInput, ServicesCreateArgs, ServicesListArgs, ServicesUpdateArgs,
};
pub use crate::schedule::timetable::{
    ProposedGroup, ProposedSlot, Score, TimetableApplyArgs, TimetableGroupInput, TimetableProposal,
    TimetableProposeArgs, Unplaced,
};
pub use crate::schedule::waitlist::{
    WaitAction, WaitStatus, WaitlistAddArgs, WaitlistEntry, WaitlistListArgs, WaitlistResolveArgs,
};
pub use crate::schedule::Named;
pub use crate::tasks::write::{TaskDoneArgs, TaskSaveArgs};
pub use crate::tasks::{Task, TaskClient, TasksListArgs};
pub use crate::telephony::callbacks::{
    Callback, CallbackCloseArgs, CallbackOutcome, CallbacksListArgs,
};
pub use crate::telephony::dial::{CallOriginateArgs, CallOriginated};
pub use crate::telephony::live::CallEvent;
pub use crate::telephony::log::{Call, CallClient, CallDirection, CallGetArgs, CallsListArgs};
pub use crate::telephony::popup::{CallPopup, PopupCard, PopupNote, PopupPass, PopupTask};
pub use crate::telephony::report::{
    CallTotals, CallsReport, CallsReportArgs, CountryRow, EmployeeRow, HourRow, PeriodRow,
    ReportPeriod, TalkBand,
};
pub use crate::telephony::settings::{
    DialFormat, PbxExtension, PbxExtensionInput, PbxKind, PbxSettings, PbxSettingsInput,
    PbxSettingsUpdateArgs,
};
pub use crate::telephony::status::{PbxLink, PbxStatus};
pub type MessageTemplates = Vec<MessageTemplate>;
pub type Messages = Vec<Message>;
pub type Services = Vec<Service>;
pub type Instructors = Vec<Instructor>;
pub type Holidays = Vec<Holiday>;
pub type Groups = Vec<Group>;
pub type PayRules = Vec<PayRule>;
pub type Calls = Vec<Call>;
pub type Callbacks = Vec<Callback>;
pub type Tasks = Vec<Task>;
pub type PayPeriods = Vec<PayPeriod>;
pub type GroupMembers = Vec<GroupMember>;
pub type Waitlist = Vec<WaitlistEntry>;
pub type Contracts = Vec<Contract>;
pub type ClientFlagsList = Vec<ClientFlags>;
pub type CatalogCategories = Vec<CatalogCategory>;
pub type CatalogItems = Vec<CatalogItem>;
pub type MembershipPlans = Vec<MembershipPlan>;
pub type Memberships = Vec<Membership>;
pub use crate::error::{ApiError, FieldError, Similar};
pub use crate::phone::PhoneKind;
pub use crate::roles::{Permission, Role};
/// The result of an operation that returns nothing (`null`).
pub type Empty = ();
