//! Rooms: checked input (capacity, equipment tags, opening hours per weekday), unique names
//! however written, optimistic updates, archiving, and who may see and change them.

use hallpass_core::api::*;

use crate::helpers::fields;
use crate::support::each_engine;

fn span(weekday: u8, opens: &str, closes: &str) -> OpeningSpan {
    OpeningSpan {
        weekday,
        opens: opens.into(),
        closes: closes.into(),
    }
}

fn hall(name: &str) -> RoomInput {
    RoomInput {
        name: name.into(),
        capacity: 20,
        equipment: vec!["mirrors".into(), "barre".into()],
        opening_hours: vec![
            span(2, "14:00", "20:00"),
            span(1, "08:00", "12:00"),
            span(1, "13:00", "21:00"),
        ],
        archived: false,
    }
}

#[tokio::test]
async fn rooms_are_checked_unique_versioned_and_archived() {
    each_engine(|t| async move {
        t.demo().await;
        let mgr = t.login("manager").await;
        let mgr = Some(mgr.as_str());
        let create = |room: RoomInput| t.core.rooms_create(mgr, RoomsCreateArgs { room });

        // Bad input: every problem at its field, nothing written.
        let rooms_before = t.count("rooms").await;
        let bad = RoomInput {
            name: " ".into(),
            capacity: 0,
            equipment: vec!["piano".into(), "Piano".into()],
            opening_hours: vec![
                span(8, "09:00", "10:00"),
                span(3, "25:00", "10:00"),
                span(4, "12:00", "11:00"),
                span(5, "09:00", "12:00"),
                span(5, "11:00", "13:00"),
            ],
            archived: false,
        };
        let mut got = fields(create(bad).await.unwrap_err());
        got.sort();
        assert_eq!(
            got,
            [
                ("room.capacity".into(), "out_of_range".into()),
                ("room.equipment.1".into(), "duplicate".into()),
                ("room.name".into(), "required".into()),
                ("room.opening_hours.0.weekday".into(), "out_of_range".into()),
                ("room.opening_hours.1.opens".into(), "invalid_time".into()),
                ("room.opening_hours.2.closes".into(), "before_start".into()),
                ("room.opening_hours.4.opens".into(), "overlap".into()),
            ]
        );
        assert_eq!(t.count("rooms").await, rooms_before);

        // A good one: spans kept in weekday order, as HH:MM.
        let room = create(hall("Studio Ёлка")).await.unwrap();
        assert_eq!(room.capacity, 20);
        assert_eq!(room.opening_hours[0], span(1, "08:00", "12:00"));
        assert_eq!(room.opening_hours[2], span(2, "14:00", "20:00"));
        let e = create(hall("STUDIO ЁЛКА")).await.unwrap_err();
        assert_eq!(fields(e), [("room.name".into(), "taken".into())]);

        // Updates are optimistic; archiving hides the room from the usual list.
        let mut input = hall("Studio Ёлка");
        input.capacity = 25;
        input.archived = true;
        let changed = t
            .core
            .rooms_update(
                mgr,
                RoomsUpdateArgs {
                    id: room.id,
                    version: room.version,
                    room: input.clone(),
                },
            )
            .await
            .unwrap();
        assert_eq!(
            (changed.capacity, changed.archived, changed.version),
            (25, true, room.version + 1)
        );
        let e = t
            .core
            .rooms_update(
                mgr,
                RoomsUpdateArgs {
                    id: room.id,
                    version: room.version,
                    room: input,
                },
            )
            .await
            .unwrap_err();
        assert!(matches!(e, ApiError::Conflict { .. }), "{e:?}");
        let listed = t
            .core
            .rooms_list(mgr, RoomsListArgs::default())
            .await
            .unwrap();
        assert!(!listed.iter().any(|r| r.id == room.id));
        let all = t
            .core
            .rooms_list(
                mgr,
                RoomsListArgs {
                    include_archived: true,
                },
            )
            .await
            .unwrap();
        assert!(all.iter().any(|r| r.id == room.id && r.archived));
        let audit = t.count("audit_log WHERE entity = 'room'").await;
        assert!(audit >= 2);

        // Reception and instructors see rooms; only those who set up the schedule change them.
        for login in ["reception", "instructor"] {
            let token = t.login(login).await;
            t.core
                .rooms_list(Some(&token), RoomsListArgs::default())
                .await
                .unwrap();
            let e = t
                .core
                .rooms_create(Some(&token), RoomsCreateArgs { room: hall("Nope") })
                .await
                .unwrap_err();
            assert!(matches!(e, ApiError::Forbidden { .. }), "{login}: {e:?}");
        }
        let acc = t.login("accountant").await;
        let e = t
            .core
            .rooms_list(Some(&acc), RoomsListArgs::default())
            .await
            .unwrap_err();
        assert!(matches!(e, ApiError::Forbidden { .. }), "{e:?}");
    })
    .await;
}
