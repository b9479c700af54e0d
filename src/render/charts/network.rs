//! Actor networks: who appears with whom (edge weight = shared digests).
//!
//! Both layouts are circles, so they are deterministic and need no
//! iterative physics: an actor's network puts them in the middle and the
//! actors they appear with most around them, strongest at the top; the
//! site's network orders the most connected actors around a ring so that
//! strongly linked actors sit side by side (fewer long chords). Names sit
//! outside the ring, left or right of their node, pushed apart vertically
//! on each side so they never overlap.

use super::{spread, wrap, Anchor, Group, Label, Scene, Shape};

/// An actor drawn as a node.
#[derive(Debug, Clone, Copy)]
pub struct Node<'a> {
    /// Name.
    pub title: &'a str,
    /// Page.
    pub url: &'a str,
    /// How much it weighs (shared digests, or digests in all).
    pub weight: usize,
}

/// An edge between nodes `a` and `b` (indices), weighing `w` shared digests.
pub type Edge = (usize, usize, usize);

const NAME_SIZE: f64 = 13.0;
const NAME_LINE: f64 = 16.0;
const NAME_W: f64 = 112.0;
const PAD: f64 = 6.0;

/// A node's tooltip: "Name: 5 digests together".
pub type Tooltip<'t> = &'t dyn Fn(&Node<'_>) -> String;

/// An actor among the actors they appear with most. `neighbors` carry
/// their shared digests with `center` as weight; `edges` link neighbors
/// (indices into `neighbors`). None without neighbors.
pub fn ego(
    center: Node<'_>,
    neighbors: &[Node<'_>],
    edges: &[Edge],
    title: String,
    tooltip: Tooltip<'_>,
) -> Option<Scene> {
    if neighbors.is_empty() {
        return None;
    }
    let width = 480.0;
    let (cx, cy) = (width / 2.0, 0.0);
    let radius = 105.0;
    let points = ring(neighbors.len(), cx, cy, radius);
    let most = neighbors.iter().map(|n| n.weight).max().unwrap_or(1).max(1) as f64;
    let sizes: Vec<f64> = neighbors
        .iter()
        .map(|n| 4.0 + 7.0 * (n.weight as f64 / most).sqrt())
        .collect();
    let mut groups = Vec::new();
    for (i, p) in points.iter().enumerate() {
        groups.push(edge_group(
            (cx, cy),
            *p,
            1.0 + 5.0 * neighbors[i].weight as f64 / most,
            "net-edge",
        ));
    }
    let most_between = edges.iter().map(|e| e.2).max().unwrap_or(1).max(1) as f64;
    for &(a, b, w) in edges {
        if a < points.len() && b < points.len() && a != b {
            groups.push(edge_group(
                points[a],
                points[b],
                0.75 + 2.0 * w as f64 / most_between,
                "net-edge-minor",
            ));
        }
    }
    groups.push(Group {
        class: "net-node net-center",
        href: Some(center.url.to_string()),
        title: Some(center.title.to_string()),
        shapes: vec![Shape::Circle {
            c: (cx, cy),
            r: 11.0,
            class: "chart-mark",
        }],
    });
    groups.extend(node_groups(neighbors, &points, &sizes, cx, radius, tooltip));
    Some(framed(width, title, "network-chart", groups))
}

/// The most connected actors of the site on a ring, named. None without
/// edges.
pub fn site(
    nodes: &[Node<'_>],
    edges: &[Edge],
    title: String,
    tooltip: Tooltip<'_>,
) -> Option<Scene> {
    let radius = (nodes.len() as f64 * 9.0).clamp(120.0, 230.0);
    // Wide enough for the ring and a name on each side, no wider.
    let width = 2.0 * (radius + MARK_MAX + PAD + NAME_W + PAD);
    let ring = SiteRing::new(nodes, edges, width / 2.0, radius, 1.0)?;
    let mut groups = ring.edges;
    groups.extend(node_groups(
        &ring.placed,
        &ring.points,
        &ring.sizes,
        width / 2.0,
        radius,
        tooltip,
    ));
    Some(framed(width, title, "network-chart network-site", groups))
}

/// The same network for a narrow screen: the ring fills the width and each
/// node carries its number in `nodes` (1 for the first) instead of its name,
/// the key to the numbered list of actors shown beside the chart; the name
/// stays in each link's tooltip and accessible name ("1. Name: 5 digests").
/// None without edges.
pub fn site_numbered(
    nodes: &[Node<'_>],
    edges: &[Edge],
    title: String,
    tooltip: Tooltip<'_>,
) -> Option<Scene> {
    let width = NARROW_W;
    let radius = (nodes.len() as f64 * 5.0).clamp(80.0, 125.0);
    let cx = width / 2.0;
    let ring = SiteRing::new(nodes, edges, cx, radius, 0.7)?;
    let mut groups = ring.edges;
    for (k, node) in ring.placed.iter().enumerate() {
        let (x, y) = ring.points[k];
        // The number just outside the node, away from the centre.
        let (dx, dy) = ((x - cx) / radius, y / radius);
        let out = ring.sizes[k] + KEY_SIZE * 0.9;
        let number = ring.order[k] + 1;
        groups.push(Group {
            class: "net-node",
            href: Some(node.url.to_string()),
            // The number shown is part of the link's name (WCAG 2.5.3).
            title: Some(format!("{number}. {}", tooltip(node))),
            shapes: vec![
                Shape::Circle {
                    c: (x, y),
                    r: ring.sizes[k],
                    class: "chart-mark",
                },
                Shape::Text(Label {
                    x: x + dx * out,
                    y: y + dy * out + KEY_SIZE * 0.35,
                    size: KEY_SIZE,
                    anchor: Anchor::Middle,
                    class: super::KEY_CLASS,
                    text: number.to_string(),
                }),
            ],
        });
    }
    Some(framed(
        width,
        title,
        "network-chart network-site network-numbered",
        groups,
    ))
}

/// The largest node of the site's network (radius, before scaling).
const MARK_MAX: f64 = 11.5;
/// The narrow site network fits a phone's width without scaling.
const NARROW_W: f64 = 340.0;
/// Numbers on the narrow site network.
const KEY_SIZE: f64 = 12.0;

/// The site network's ring: the nodes in ring order with their places and
/// sizes, and the edges drawn first (light ones under heavy ones).
struct SiteRing<'n> {
    /// `placed[k]` is `nodes[order[k]]`.
    order: Vec<usize>,
    placed: Vec<Node<'n>>,
    points: Vec<(f64, f64)>,
    sizes: Vec<f64>,
    edges: Vec<Group>,
}

impl<'n> SiteRing<'n> {
    fn new(
        nodes: &[Node<'n>],
        edges: &[Edge],
        cx: f64,
        radius: f64,
        scale: f64,
    ) -> Option<SiteRing<'n>> {
        if nodes.is_empty() || edges.is_empty() {
            return None;
        }
        let order = ring_order(nodes.len(), edges);
        let placed: Vec<Node<'_>> = order.iter().map(|&i| nodes[i]).collect();
        let points = ring(placed.len(), cx, 0.0, radius);
        let mut slot = vec![0; nodes.len()];
        for (k, &i) in order.iter().enumerate() {
            slot[i] = k;
        }
        let most = nodes.iter().map(|n| n.weight).max().unwrap_or(1).max(1) as f64;
        let sizes: Vec<f64> = placed
            .iter()
            .map(|n| scale * (3.5 + (MARK_MAX - 3.5) * (n.weight as f64 / most).sqrt()))
            .collect();
        let most_edge = edges.iter().map(|e| e.2).max().unwrap_or(1).max(1) as f64;
        let mut sorted: Vec<&Edge> = edges
            .iter()
            .filter(|e| e.0 < nodes.len() && e.1 < nodes.len())
            .collect();
        // Light edges first, so heavy ones are drawn over them.
        sorted.sort_by_key(|e| (e.2, e.0, e.1));
        let edges = sorted
            .into_iter()
            .map(|&(a, b, w)| {
                edge_group(
                    points[slot[a]],
                    points[slot[b]],
                    scale * (0.5 + 4.5 * w as f64 / most_edge),
                    "net-edge",
                )
            })
            .collect();
        Some(SiteRing {
            order,
            placed,
            points,
            sizes,
            edges,
        })
    }
}

/// `n` points on a circle, the first at the top, clockwise.
fn ring(n: usize, cx: f64, cy: f64, r: f64) -> Vec<(f64, f64)> {
    (0..n)
        .map(|k| {
            let a = -std::f64::consts::FRAC_PI_2 + std::f64::consts::TAU * k as f64 / n as f64;
            (cx + r * a.cos(), cy + r * a.sin())
        })
        .collect()
}

/// The order of nodes around the ring: from the first (the most connected),
/// each next is the unplaced node most tied to the last placed (ties: the
/// lower index); a node tied to none of them comes by index. O(n²) on the
/// few nodes a site network shows.
fn ring_order(n: usize, edges: &[Edge]) -> Vec<usize> {
    let mut weight = vec![vec![0usize; n]; n];
    for &(a, b, w) in edges {
        if a < n && b < n {
            weight[a][b] += w;
            weight[b][a] += w;
        }
    }
    let mut placed = vec![false; n];
    let mut order = Vec::with_capacity(n);
    let mut current = 0;
    for _ in 0..n {
        placed[current] = true;
        order.push(current);
        let next = (0..n)
            .filter(|&j| !placed[j])
            .max_by_key(|&j| (weight[current][j], std::cmp::Reverse(j)));
        match next {
            Some(j) => current = j,
            None => break,
        }
    }
    order
}

fn edge_group(a: (f64, f64), b: (f64, f64), width: f64, class: &'static str) -> Group {
    Group {
        class,
        shapes: vec![Shape::Line {
            from: a,
            to: b,
            width,
            class: "chart-edge",
        }],
        ..Default::default()
    }
}

/// Nodes with their names: right of the ring's middle the name starts after
/// the node, left of it the name ends before it; on each side the names are
/// spread vertically so they never overlap, with a leader line to the node
/// when a name had to move.
fn node_groups(
    nodes: &[Node<'_>],
    points: &[(f64, f64)],
    sizes: &[f64],
    cx: f64,
    radius: f64,
    tooltip: Tooltip<'_>,
) -> Vec<Group> {
    let names: Vec<Vec<String>> = nodes
        .iter()
        .map(|n| wrap(n.title, NAME_W, NAME_SIZE, 2))
        .collect();
    let heights: Vec<f64> = names.iter().map(|l| l.len() as f64 * NAME_LINE).collect();
    let mut tops = vec![0.0; nodes.len()];
    for right in [true, false] {
        let mut side: Vec<usize> = (0..nodes.len())
            .filter(|&i| (points[i].0 >= cx - 1e-6) == right)
            .collect();
        side.sort_by(|&a, &b| points[a].1.total_cmp(&points[b].1).then(a.cmp(&b)));
        let want: Vec<f64> = side
            .iter()
            .map(|&i| points[i].1 - heights[i] / 2.0)
            .collect();
        let size: Vec<f64> = side.iter().map(|&i| heights[i]).collect();
        let at = spread(&want, &size, 4.0, -radius - 40.0, radius + 40.0);
        for (k, &i) in side.iter().enumerate() {
            tops[i] = at[k];
        }
    }
    (0..nodes.len())
        .map(|i| {
            let (x, y) = points[i];
            let right = x >= cx - 1e-6;
            let (lx, anchor) = if right {
                (x + sizes[i] + PAD, Anchor::Start)
            } else {
                (x - sizes[i] - PAD, Anchor::End)
            };
            let mut shapes = vec![Shape::Circle {
                c: (x, y),
                r: sizes[i],
                class: "chart-mark",
            }];
            let middle = tops[i] + heights[i] / 2.0;
            if (middle - y).abs() > 2.0 {
                let tip = if right { lx - 2.0 } else { lx + 2.0 };
                shapes.push(Shape::Line {
                    from: (x, y),
                    to: (tip, middle),
                    width: 1.0,
                    class: "chart-leader",
                });
            }
            for (n, line) in names[i].iter().enumerate() {
                shapes.push(Shape::Text(Label {
                    x: lx,
                    y: tops[i] + 11.0 + NAME_LINE * n as f64,
                    size: NAME_SIZE,
                    anchor,
                    class: "net-name",
                    text: line.clone(),
                }));
            }
            Group {
                class: "net-node",
                href: Some(nodes[i].url.to_string()),
                title: Some(tooltip(&nodes[i])),
                shapes,
            }
        })
        .collect()
}

/// The scene around its content: everything moved down so the topmost
/// shape or name is `PAD` from the top, the height fitted to the lowest.
fn framed(width: f64, title: String, class: &'static str, mut groups: Vec<Group>) -> Scene {
    let (mut top, mut bottom) = (f64::MAX, f64::MIN);
    for s in groups.iter().flat_map(|g| &g.shapes) {
        let (a, b) = match s {
            Shape::Circle { c, r, .. } => (c.1 - r, c.1 + r),
            Shape::Line { from, to, .. } => (from.1.min(to.1), from.1.max(to.1)),
            Shape::Bar { rect, .. } => (rect.y, rect.y + rect.h),
            Shape::Text(l) => {
                let r = l.rect();
                (r.y, r.y + r.h)
            }
        };
        top = top.min(a);
        bottom = bottom.max(b);
    }
    let dy = PAD - top;
    for s in groups.iter_mut().flat_map(|g| &mut g.shapes) {
        match s {
            Shape::Circle { c, .. } => c.1 += dy,
            Shape::Line { from, to, .. } => {
                from.1 += dy;
                to.1 += dy;
            }
            Shape::Bar { rect, .. } => rect.y += dy,
            Shape::Text(l) => l.y += dy,
        }
    }
    Scene {
        width,
        height: bottom - top + 2.0 * PAD,
        class,
        title,
        groups,
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::svg_links;
    use super::*;

    fn names(n: usize) -> Vec<(String, String)> {
        (0..n)
            .map(|i| {
                let name = if i % 3 == 0 {
                    format!("Alexander Grigoryevich Lukashenko {i}")
                } else {
                    format!("Actor {i}")
                };
                (name, format!("/actors/a{i}/"))
            })
            .collect()
    }

    fn nodes(names: &[(String, String)]) -> Vec<Node<'_>> {
        names
            .iter()
            .enumerate()
            .map(|(i, (t, u))| Node {
                title: t,
                url: u,
                weight: 40 - i,
            })
            .collect()
    }

    fn tip(n: &Node<'_>) -> String {
        format!("{}: {}", n.title, n.weight)
    }

    fn check(scene: &Scene, urls: &[String]) {
        if let Some((a, b)) = scene.overlapping_labels() {
            panic!("{a:?} overlaps {b:?}");
        }
        for l in scene.labels() {
            let r = l.rect();
            assert!(r.x >= 0.0 && r.x + r.w <= scene.width + 0.5, "{l:?}");
            assert!(r.y >= 0.0 && r.y + r.h <= scene.height + 0.5, "{l:?}");
        }
        let links = svg_links(&scene.to_svg("net"));
        assert!(links.iter().all(|l| urls.contains(l)), "{links:?}");
    }

    #[test]
    fn an_actor_network_links_every_neighbor_without_overlapping_names() {
        let center = Node {
            title: "Vladimir Putin",
            url: "/actors/putin/",
            weight: 0,
        };
        for n in 1..=8 {
            let list = names(n);
            let ns = nodes(&list);
            let edges: Vec<Edge> = (1..n).map(|i| (0, i, i)).collect();
            let scene = ego(center, &ns, &edges, "net".into(), &tip).unwrap();
            let mut urls: Vec<String> = list.iter().map(|(_, u)| u.clone()).collect();
            urls.push("/actors/putin/".into());
            check(&scene, &urls);
            assert_eq!(scene.links().count(), n + 1);
        }
        assert!(ego(center, &[], &[], "net".into(), &tip).is_none());
    }

    #[test]
    fn the_site_network_fits_thirty_actors_without_overlapping_names() {
        for n in [2, 5, 17, 30] {
            let list = names(n);
            let ns = nodes(&list);
            let edges: Vec<Edge> = (0..n)
                .flat_map(|a| {
                    (a + 1..n)
                        .filter(move |b| (a * b) % 3 == 0)
                        .map(move |b| (a, b, 1 + (a + b) % 5))
                })
                .collect();
            let scene = site(&ns, &edges, "net".into(), &tip).unwrap();
            let urls: Vec<String> = list.iter().map(|(_, u)| u.clone()).collect();
            check(&scene, &urls);
            assert_eq!(scene.links().count(), n);
            // The narrow one: as wide as a phone, every node numbered by
            // its place in `nodes`, each number once.
            let narrow = site_numbered(&ns, &edges, "net".into(), &tip).unwrap();
            check(&narrow, &urls);
            assert!(narrow.width <= 340.0);
            let mut numbers: Vec<usize> =
                narrow.labels().map(|l| l.text.parse().unwrap()).collect();
            numbers.sort();
            assert_eq!(numbers, (1..=n).collect::<Vec<_>>());
            let svg = narrow.to_svg("x");
            assert_eq!(svg.matches("aria-label=").count(), n, "{svg}");
            // Deterministic.
            assert_eq!(
                scene.to_svg("x"),
                site(&ns, &edges, "net".into(), &tip).unwrap().to_svg("x")
            );
        }
    }

    #[test]
    fn the_ring_keeps_strong_ties_side_by_side() {
        // 0–2 and 2–1 are strong: 0, 2, 1, then the loner 3.
        let order = ring_order(4, &[(0, 2, 9), (1, 2, 5), (0, 1, 1)]);
        assert_eq!(order, vec![0, 2, 1, 3]);
    }
}
