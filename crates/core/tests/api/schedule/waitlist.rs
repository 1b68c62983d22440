//! A full group's waitlist: newcomers past capacity wait, a freed place is offered to the
//! first waiting, who accepts (and joins) or declines (and the place goes to the next).

use hallpass_core::api::*;

use super::{group, setup, slot};
use crate::helpers::fields;
use crate::money::client;
use crate::support::each_engine;

#[tokio::test]
async fn a_freed_place_goes_to_the_first_waiting() {
    each_engine(|t| async move {
        t.demo().await;
        let mgr = t.login("manager").await;
        let mgr = Some(mgr.as_str());
        let s = setup(&t, mgr).await;
        let mut g = group(&s, "Tiny", vec![slot(4, "12:00")]);
        g.capacity = 2;
        let g = t
            .core
            .groups_create(mgr, GroupsCreateArgs { group: g })
            .await
            .unwrap();
        let mut c = Vec::new();
        for n in ["Ada", "Bea", "Cy", "Di"] {
            c.push(client(&t, mgr, &format!("{n} Wait"), None).await);
        }
        let set = |version: i64, ids: Vec<uuid::Uuid>| {
            t.core.group_members_set(
                mgr,
                GroupMembersSetArgs {
                    group_id: g.id,
                    version,
                    client_ids: ids,
                    on: None,
                },
            )
        };
        let r = set(g.version, c.clone()).await.unwrap();
        assert_eq!(r.members.len(), 2);
        assert_eq!(
            r.waitlisted.iter().map(|n| n.id).collect::<Vec<_>>(),
            [c[2], c[3]]
        );
        assert_eq!(r.group.waiting, 2);
        let e = set(g.version, vec![]).await.unwrap_err();
        assert!(
            matches!(e, ApiError::Conflict { .. }),
            "stale version: {e:?}"
        );

        let list = |gid| {
            t.core.waitlist_list(
                mgr,
                WaitlistListArgs {
                    group_id: Some(gid),
                    ..Default::default()
                },
            )
        };
        let w = list(g.id).await.unwrap();
        assert_eq!(
            w.iter()
                .map(|e| (e.client.id, e.position))
                .collect::<Vec<_>>(),
            [(c[2], Some(1)), (c[3], Some(2))]
        );

        // Ada leaves: Cy is offered her place; Di still waits.
        let r = set(r.group.version, vec![c[1]]).await.unwrap();
        assert_eq!(r.members.len(), 1);
        let w = list(g.id).await.unwrap();
        assert_eq!(
            w.iter()
                .map(|e| (e.client.id, e.status))
                .collect::<Vec<_>>(),
            [(c[2], WaitStatus::Offered), (c[3], WaitStatus::Waiting)]
        );
        // Di cannot jump the queue; Cy declines and the place goes to Di, who accepts.
        let resolve = |e: &WaitlistEntry, action| {
            t.core.waitlist_resolve(
                mgr,
                WaitlistResolveArgs {
                    id: e.id,
                    version: e.version,
                    action,
                },
            )
        };
        let e = resolve(&w[1], WaitAction::Accept).await.unwrap_err();
        assert_eq!(fields(e), [("action".into(), "full".into())]);
        resolve(&w[0], WaitAction::Decline).await.unwrap();
        let w = list(g.id).await.unwrap();
        assert_eq!(
            w.iter()
                .map(|e| (e.client.id, e.status))
                .collect::<Vec<_>>(),
            [(c[3], WaitStatus::Offered)]
        );
        let done = resolve(&w[0], WaitAction::Accept).await.unwrap();
        assert_eq!(done.status, WaitStatus::Accepted);
        let members = t
            .core
            .group_members_list(
                mgr,
                GroupMembersListArgs {
                    group_id: g.id,
                    include_former: false,
                },
            )
            .await
            .unwrap();
        assert_eq!(
            members
                .iter()
                .map(|m| m.client.id)
                .collect::<Vec<_>>()
                .len(),
            2
        );
        assert!(members.iter().any(|m| m.client.id == c[3]));
        // A member cannot also wait.
        let e = t
            .core
            .waitlist_add(
                mgr,
                WaitlistAddArgs {
                    group_id: g.id,
                    client_id: c[3],
                    note: String::new(),
                },
            )
            .await
            .unwrap_err();
        assert_eq!(fields(e), [("client_id".into(), "member".into())]);
    })
    .await;
}
