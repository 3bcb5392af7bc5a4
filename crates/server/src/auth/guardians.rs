//! A guardian's children: which student files a GUARDIAN account follows in its school, and which
//! one it follows now. A guardian reads as that child does (`Viewer::Student`); the permission
//! table keeps them to reading (and to signing the child's contracts).

use serde::Serialize;
use sqlx::PgConnection;
use utoipa::ToSchema;
use uuid::Uuid;
use volant_domain::ids::{TenantId, UserId};

/// A child a guardian follows, as the switcher shows it.
#[derive(Clone, Debug, Serialize, ToSchema, sqlx::FromRow)]
pub struct Child {
    pub id: Uuid,
    pub first_name: String,
    pub last_name: String,
}

/// The children `user` follows in `tenant`, by name (the transaction must be the school's).
pub async fn children(conn: &mut PgConnection, tenant: TenantId, user: UserId) -> Result<Vec<Child>, sqlx::Error> {
    sqlx::query_as(
        "SELECT s.id, s.first_name, s.last_name
           FROM guardianships g JOIN students s ON s.tenant_id = g.tenant_id AND s.id = g.student_id
          WHERE g.tenant_id = $1 AND g.user_id = $2 AND s.erased_at IS NULL
          ORDER BY s.last_name, s.first_name, s.id",
    )
    .bind(tenant.0)
    .bind(user.0)
    .fetch_all(conn)
    .await
}

/// The child followed now: the one the session chose while it is still among the children,
/// otherwise the first.
pub fn followed(children: &[Child], chosen: Option<Uuid>) -> Option<Uuid> {
    let chosen = chosen.filter(|c| children.iter().any(|child| child.id == *c));
    chosen.or_else(|| children.first().map(|c| c.id))
}

/// Makes `child` the one the session follows.
pub async fn follow(conn: &mut PgConnection, session_hash: &[u8], child: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE sessions SET child_id = $2 WHERE id_hash = $1")
        .bind(session_hash)
        .bind(child)
        .execute(conn)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn child(n: u128) -> Child {
        Child { id: Uuid::from_u128(n), first_name: "A".into(), last_name: "B".into() }
    }

    #[test]
    fn follows_the_chosen_child_while_it_is_one_of_them_else_the_first() {
        let kids = [child(1), child(2)];
        assert_eq!(followed(&kids, Some(Uuid::from_u128(2))), Some(Uuid::from_u128(2)));
        assert_eq!(followed(&kids, None), Some(Uuid::from_u128(1)));
        // A child no longer followed (the office removed the link): back to the first.
        assert_eq!(followed(&kids, Some(Uuid::from_u128(9))), Some(Uuid::from_u128(1)));
        assert_eq!(followed(&[], Some(Uuid::from_u128(1))), None);
    }
}
