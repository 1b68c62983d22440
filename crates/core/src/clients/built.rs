//! Queries built at run time: bound values of either engine, collected with their
//! placeholders, and the macros that bind and run them.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

/// A bound value of a built query.
#[derive(Debug, Clone)]
pub enum Arg {
    Text(String),
    Id(Uuid),
    Date(NaiveDate),
    Time(DateTime<Utc>),
    Int(i64),
    Bool(bool),
    OptText(Option<String>),
    OptId(Option<Uuid>),
    OptDate(Option<NaiveDate>),
    OptInt(Option<i64>),
}

/// A query under construction: `arg` appends a value and gives its placeholder.
#[derive(Default)]
pub struct Built {
    pub args: Vec<Arg>,
    pub clauses: Vec<String>,
}

impl Built {
    pub fn arg(&mut self, a: Arg) -> String {
        self.args.push(a);
        format!("${}", self.args.len())
    }

    pub(crate) fn filter(&mut self, clause: String) {
        self.clauses.push(clause);
    }

    pub(crate) fn where_sql(&self) -> String {
        if self.clauses.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", self.clauses.join(" AND "))
        }
    }
}

/// An argument as a query binds it: borrowed ones are copied, owned ones moved (a bulk
/// write binds hundreds of thousands of texts).
pub trait IntoArg {
    fn into_arg(self) -> Arg;
}

impl IntoArg for Arg {
    fn into_arg(self) -> Arg {
        self
    }
}

impl IntoArg for &Arg {
    fn into_arg(self) -> Arg {
        self.clone()
    }
}

/// Binds built arguments (`&[Arg]`, or a `Vec<Arg>` to move them) to a query in order.
#[macro_export]
macro_rules! bind_built {
    ($q:expr, $args:expr) => {{
        let mut q = $q;
        for a in $args {
            q = match $crate::clients::sql::IntoArg::into_arg(a) {
                $crate::clients::sql::Arg::Text(s) => q.bind(s),
                $crate::clients::sql::Arg::Id(v) => q.bind(v),
                $crate::clients::sql::Arg::Date(v) => q.bind(v),
                $crate::clients::sql::Arg::Time(v) => q.bind(v),
                $crate::clients::sql::Arg::Int(v) => q.bind(v),
                $crate::clients::sql::Arg::Bool(v) => q.bind(v),
                $crate::clients::sql::Arg::OptText(v) => q.bind(v),
                $crate::clients::sql::Arg::OptId(v) => q.bind(v),
                $crate::clients::sql::Arg::OptDate(v) => q.bind(v),
                $crate::clients::sql::Arg::OptInt(v) => q.bind(v),
            };
        }
        q
    }};
}

/// Runs `sql` with `args` bound in order, mapping rows to `T`.
#[macro_export]
macro_rules! fetch_built {
    ($tx:expr, $t:ty, $sql:expr, $args:expr) => {
        $crate::on_tx!($tx, c => $crate::bind_built!(sqlx::query_as::<_, $t>($sql), $args).fetch_all(c).await)
    };
}

/// [`fetch_built!`] on the pool, outside any transaction ([`crate::on_pool!`]).
#[macro_export]
macro_rules! fetch_built_once {
    ($db:expr, $t:ty, $sql:expr, $args:expr) => {
        $crate::on_pool!($db, p => $crate::bind_built!(sqlx::query_as::<_, $t>($sql), $args).fetch_all(p).await)
    };
}

/// Runs a statement with `args` bound in order; yields the rows affected.
#[macro_export]
macro_rules! exec_built {
    ($tx:expr, $sql:expr, $args:expr) => {
        $crate::exec_tx!($tx, c => $crate::bind_built!(sqlx::query($sql), $args).execute(c).await)
    };
}
