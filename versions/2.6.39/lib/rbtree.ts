/**
 * Linux 2.6.39 lib/rbtree.c and include/linux/rbtree.h (commit 61c4f2c81c61, blobs a16be19a and
 * 7066acb2): the red-black tree vmalloc keeps its vmap_areas in. Everything up to rb_erase and
 * from rb_first on is byte-identical to 2.6.32's lib/rbtree.c (a copy of versions/2.6.32's port,
 * which is faithful); 2.6.39 adds the augmented-rbtree helpers (17d9ddc72fb8, b945d6b2554d, 2.6.35),
 * which mm/vmalloc.c does not call. Rotations and recolouring are done exactly as the C
 * does them, because the tree's shape decides how many nodes a lookup visits.
 *
 * SIM: C packs parent and colour into `rb_parent_color`; here they are two fields. An "empty"
 * node (RB_CLEAR_NODE) has itself as parent, as in C. `visit` is the probe the tree walks call
 * once per node they step onto (rb_next/rb_prev), so callers can count nodes visited.
 */

export const RB_RED = 0;
export const RB_BLACK = 1;

export class rb_node<T = unknown> {
  parent: rb_node<T> | null = null;
  color: number = RB_RED;
  rb_right: rb_node<T> | null = null;
  rb_left: rb_node<T> | null = null;
  constructor(readonly entry: T) {}
}

export interface rb_root<T = unknown> {
  rb_node: rb_node<T> | null;
}

/* include/linux/rbtree.h inline helpers */
export const rb_parent = <T>(r: rb_node<T>): rb_node<T> | null => r.parent;
export const rb_color = <T>(r: rb_node<T>): number => r.color;
export const rb_is_red = <T>(r: rb_node<T>): boolean => r.color === RB_RED;
export const rb_is_black = <T>(r: rb_node<T>): boolean => r.color === RB_BLACK;
export function rb_set_red<T>(r: rb_node<T>): void {
  r.color = RB_RED;
}
export function rb_set_black<T>(r: rb_node<T>): void {
  r.color = RB_BLACK;
}
export function rb_set_parent<T>(rb: rb_node<T>, p: rb_node<T> | null): void {
  rb.parent = p;
}
export function rb_set_color<T>(rb: rb_node<T>, color: number): void {
  rb.color = color;
}
export const RB_EMPTY_NODE = <T>(node: rb_node<T>): boolean => rb_parent(node) === node;
export function RB_CLEAR_NODE<T>(node: rb_node<T>): void {
  rb_set_parent(node, node);
}

/** rb_link_node (include/linux/rbtree.h): `link` stores the child pointer into the parent or root. */
export function rb_link_node<T>(node: rb_node<T>, parent: rb_node<T> | null, link: (n: rb_node<T>) => void): void {
  node.parent = parent;
  node.color = RB_RED; // rb_parent_color = parent: colour bit 0 is red
  node.rb_left = node.rb_right = null;
  link(node);
}

// __rb_rotate_left (lib/rbtree.c)
function __rb_rotate_left<T>(node: rb_node<T>, root: rb_root<T>): void {
  const right = node.rb_right!;
  const parent = rb_parent(node);

  if ((node.rb_right = right.rb_left)) rb_set_parent(right.rb_left!, node);
  right.rb_left = node;

  rb_set_parent(right, parent);

  if (parent) {
    if (node === parent.rb_left) parent.rb_left = right;
    else parent.rb_right = right;
  } else root.rb_node = right;
  rb_set_parent(node, right);
}

// __rb_rotate_right (lib/rbtree.c)
function __rb_rotate_right<T>(node: rb_node<T>, root: rb_root<T>): void {
  const left = node.rb_left!;
  const parent = rb_parent(node);

  if ((node.rb_left = left.rb_right)) rb_set_parent(left.rb_right!, node);
  left.rb_right = node;

  rb_set_parent(left, parent);

  if (parent) {
    if (node === parent.rb_right) parent.rb_right = left;
    else parent.rb_left = left;
  } else root.rb_node = left;
  rb_set_parent(node, left);
}

// rb_insert_color (lib/rbtree.c)
export function rb_insert_color<T>(node: rb_node<T>, root: rb_root<T>): void {
  let parent: rb_node<T> | null;
  let gparent: rb_node<T>;

  while ((parent = rb_parent(node)) && rb_is_red(parent)) {
    gparent = rb_parent(parent)!;

    if (parent === gparent.rb_left) {
      {
        const uncle = gparent.rb_right;
        if (uncle && rb_is_red(uncle)) {
          rb_set_black(uncle);
          rb_set_black(parent);
          rb_set_red(gparent);
          node = gparent;
          continue;
        }
      }

      if (parent.rb_right === node) {
        __rb_rotate_left(parent, root);
        const tmp = parent;
        parent = node;
        node = tmp;
      }

      rb_set_black(parent);
      rb_set_red(gparent);
      __rb_rotate_right(gparent, root);
    } else {
      {
        const uncle = gparent.rb_left;
        if (uncle && rb_is_red(uncle)) {
          rb_set_black(uncle);
          rb_set_black(parent);
          rb_set_red(gparent);
          node = gparent;
          continue;
        }
      }

      if (parent.rb_left === node) {
        __rb_rotate_right(parent, root);
        const tmp = parent;
        parent = node;
        node = tmp;
      }

      rb_set_black(parent);
      rb_set_red(gparent);
      __rb_rotate_left(gparent, root);
    }
  }

  rb_set_black(root.rb_node!);
}

// __rb_erase_color (lib/rbtree.c)
function __rb_erase_color<T>(node: rb_node<T> | null, parent: rb_node<T> | null, root: rb_root<T>): void {
  let other: rb_node<T>;

  while ((!node || rb_is_black(node)) && node !== root.rb_node) {
    const p = parent!;
    if (p.rb_left === node) {
      other = p.rb_right!;
      if (rb_is_red(other)) {
        rb_set_black(other);
        rb_set_red(p);
        __rb_rotate_left(p, root);
        other = p.rb_right!;
      }
      if ((!other.rb_left || rb_is_black(other.rb_left)) && (!other.rb_right || rb_is_black(other.rb_right))) {
        rb_set_red(other);
        node = p;
        parent = rb_parent(node);
      } else {
        if (!other.rb_right || rb_is_black(other.rb_right)) {
          rb_set_black(other.rb_left!);
          rb_set_red(other);
          __rb_rotate_right(other, root);
          other = p.rb_right!;
        }
        rb_set_color(other, rb_color(p));
        rb_set_black(p);
        rb_set_black(other.rb_right!);
        __rb_rotate_left(p, root);
        node = root.rb_node;
        break;
      }
    } else {
      other = p.rb_left!;
      if (rb_is_red(other)) {
        rb_set_black(other);
        rb_set_red(p);
        __rb_rotate_right(p, root);
        other = p.rb_left!;
      }
      if ((!other.rb_left || rb_is_black(other.rb_left)) && (!other.rb_right || rb_is_black(other.rb_right))) {
        rb_set_red(other);
        node = p;
        parent = rb_parent(node);
      } else {
        if (!other.rb_left || rb_is_black(other.rb_left)) {
          rb_set_black(other.rb_right!);
          rb_set_red(other);
          __rb_rotate_left(other, root);
          other = p.rb_left!;
        }
        rb_set_color(other, rb_color(p));
        rb_set_black(p);
        rb_set_black(other.rb_left!);
        __rb_rotate_right(p, root);
        node = root.rb_node;
        break;
      }
    }
  }
  if (node) rb_set_black(node);
}

// rb_erase (lib/rbtree.c)
export function rb_erase<T>(node: rb_node<T>, root: rb_root<T>): void {
  let child: rb_node<T> | null;
  let parent: rb_node<T> | null;
  let color: number;

  if (!node.rb_left) child = node.rb_right;
  else if (!node.rb_right) child = node.rb_left;
  else {
    const old = node;
    let left: rb_node<T> | null;

    node = node.rb_right;
    while ((left = node.rb_left) !== null) node = left;

    const op = rb_parent(old);
    if (op) {
      if (op.rb_left === old) op.rb_left = node;
      else op.rb_right = node;
    } else root.rb_node = node;

    child = node.rb_right;
    parent = rb_parent(node);
    color = rb_color(node);

    if (parent === old) {
      parent = node;
    } else {
      if (child) rb_set_parent(child, parent);
      parent!.rb_left = child;

      node.rb_right = old.rb_right;
      rb_set_parent(old.rb_right!, node);
    }

    /* node->rb_parent_color = old->rb_parent_color; */
    node.parent = old.parent;
    node.color = old.color;
    node.rb_left = old.rb_left;
    rb_set_parent(old.rb_left!, node);

    if (color === RB_BLACK) __rb_erase_color(child, parent, root);
    return;
  }

  parent = rb_parent(node);
  color = rb_color(node);

  if (child) rb_set_parent(child, parent);
  if (parent) {
    if (parent.rb_left === node) parent.rb_left = child;
    else parent.rb_right = child;
  } else root.rb_node = child;

  /* color: */
  if (color === RB_BLACK) __rb_erase_color(child, parent, root);
}

/** typedef void (*rb_augment_f)(struct rb_node *node, void *data) (include/linux/rbtree.h, 2.6.35) */
export type rb_augment_f<T> = (node: rb_node<T>, data: unknown) => void;

// rb_augment_path (lib/rbtree.c)
function rb_augment_path<T>(node: rb_node<T>, func: rb_augment_f<T>, data: unknown): void {
  for (;;) {
    /* up: */
    func(node, data);
    const parent = rb_parent(node);
    if (!parent) return;

    if (node === parent.rb_left && parent.rb_right) func(parent.rb_right, data);
    else if (parent.rb_left) func(parent.rb_left, data);

    node = parent;
  }
}

/*
 * after inserting @node into the tree, update the tree to account for
 * both the new entry and any damage done by rebalance
 */
// rb_augment_insert (lib/rbtree.c)
export function rb_augment_insert<T>(node: rb_node<T>, func: rb_augment_f<T>, data: unknown): void {
  if (node.rb_left) node = node.rb_left;
  else if (node.rb_right) node = node.rb_right;

  rb_augment_path(node, func, data);
}

/*
 * before removing the node, find the deepest node on the rebalance path
 * that will still be there after @node gets removed
 */
// rb_augment_erase_begin (lib/rbtree.c)
export function rb_augment_erase_begin<T>(node: rb_node<T>): rb_node<T> | null {
  let deepest: rb_node<T> | null;

  if (!node.rb_right && !node.rb_left) deepest = rb_parent(node);
  else if (!node.rb_right) deepest = node.rb_left;
  else if (!node.rb_left) deepest = node.rb_right;
  else {
    deepest = rb_next_walk(node)!;
    if (deepest.rb_right) deepest = deepest.rb_right;
    else if (rb_parent(deepest) !== node) deepest = rb_parent(deepest);
  }

  return deepest;
}

/*
 * after removal, update the tree to account for the removed entry
 * and any rebalance damage.
 */
// rb_augment_erase_end (lib/rbtree.c)
export function rb_augment_erase_end<T>(node: rb_node<T> | null, func: rb_augment_f<T>, data: unknown): void {
  if (node) rb_augment_path(node, func, data);
}

// rb_first (lib/rbtree.c)
export function rb_first<T>(root: rb_root<T>, visit?: () => void): rb_node<T> | null {
  let n = root.rb_node;
  if (!n) return null;
  visit?.();
  while (n.rb_left) {
    n = n.rb_left;
    visit?.();
  }
  return n;
}

// rb_last (lib/rbtree.c)
export function rb_last<T>(root: rb_root<T>, visit?: () => void): rb_node<T> | null {
  let n = root.rb_node;
  if (!n) return null;
  visit?.();
  while (n.rb_right) {
    n = n.rb_right;
    visit?.();
  }
  return n;
}

/**
 * SIM (speed, docs/perf.md): how many nodes the last `rb_next_walk`/`rb_prev_walk` stepped onto,
 * so a hot caller counts them in a local and adds them to nodes_visited once per walk instead of
 * calling a probe per node. Same walk, same count.
 */
export let rb_walked = 0;

// rb_next (lib/rbtree.c), leaving the nodes it stepped onto in rb_walked
export function rb_next_walk<T>(node: rb_node<T>): rb_node<T> | null {
  let parent: rb_node<T> | null;
  let c = 0;

  if (rb_parent(node) === node) {
    rb_walked = 0;
    return null;
  }

  /* If we have a right-hand child, go down and then left as far as we can. */
  let right = node.rb_right;
  if (right) {
    c = 1;
    let left = right.rb_left;
    while (left) {
      right = left;
      left = left.rb_left;
      c++;
    }
    rb_walked = c;
    return right;
  }

  /* No right-hand children: go up while we are a right-hand child. */
  while ((parent = rb_parent(node)) && node === parent.rb_right) {
    node = parent;
    c++;
  }
  if (parent) c++;
  rb_walked = c;
  return parent;
}

// rb_prev (lib/rbtree.c), leaving the nodes it stepped onto in rb_walked
export function rb_prev_walk<T>(node: rb_node<T>): rb_node<T> | null {
  let parent: rb_node<T> | null;
  let c = 0;

  if (rb_parent(node) === node) {
    rb_walked = 0;
    return null;
  }

  /* If we have a left-hand child, go down and then right as far as we can. */
  let left = node.rb_left;
  if (left) {
    c = 1;
    let right = left.rb_right;
    while (right) {
      left = right;
      right = right.rb_right;
      c++;
    }
    rb_walked = c;
    return left;
  }

  /* No left-hand children: go up while we are a left-hand child. */
  while ((parent = rb_parent(node)) && node === parent.rb_left) {
    node = parent;
    c++;
  }
  if (parent) c++;
  rb_walked = c;
  return parent;
}

// rb_next (lib/rbtree.c): `visit` is called once per node the walk stepped onto
export function rb_next<T>(node: rb_node<T>, visit?: () => void): rb_node<T> | null {
  const r = rb_next_walk(node);
  if (visit) for (let i = rb_walked; i > 0; i--) visit();
  return r;
}

// rb_prev (lib/rbtree.c): `visit` is called once per node the walk stepped onto
export function rb_prev<T>(node: rb_node<T>, visit?: () => void): rb_node<T> | null {
  const r = rb_prev_walk(node);
  if (visit) for (let i = rb_walked; i > 0; i--) visit();
  return r;
}
