use super::*;

#[test]
fn erlang_b_huge_load_is_finite() {
    let b = erlang_b(12345.0, 12421);
    assert!(b.is_finite() && b > 0.0 && b < 1.0);
    let c = erlang_c(12345.0, 12421);
    assert!(c.is_finite() && c > b && c < 1.0);
}

#[test]
fn scheduled_rounding_is_exact() {
    assert_eq!(scheduled_agents(14, 0.3), 20);
    assert_eq!(scheduled_agents(15, 0.3), 22);
    assert_eq!(scheduled_agents(10, 0.0), 10);
}
