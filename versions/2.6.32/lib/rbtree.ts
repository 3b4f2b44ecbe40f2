/**
 * Linux 2.6.32 lib/rbtree.c and include/linux/rbtree.h (commit 22763c5cf369): the red-black
 * tree vmalloc keeps its vmap_areas in. Rotations and recolouring are done exactly as the C
 * does them, because the tree's shape decides how many nodes a lookup visits.
 *
 * struct rb_node is embedded in the struct that carries it, so its fields are columns of that
 * struct's table (src/kernel/struct-table.ts, the layout's `...RB_NODE`): a node is its struct's
 * row, 0 is NULL, and rb_entry() is the identity. `rb_parent_color` packs the parent's row and the
 * colour as the C packs pointer and colour: (parent << 2) | colour. `rbtree(t)` gives the
 * functions of lib/rbtree.c over one such table; an "empty" node (RB_CLEAR_NODE) is its own
 * parent, as in C.
 */

export const RB_RED = 0;
export const RB_BLACK = 1;

/** A pointer to a struct rb_node: its struct's row, 0 for NULL. */
export type rb_node = number;

/** struct rb_node's fields, in the C's order, for the layout of the struct that embeds one. */
export const RB_NODE = { rb_parent_color: 'int', rb_right: 'ptr', rb_left: 'ptr' } as const;

/** The columns of those fields in the embedding struct's table. */
export interface rb_node_columns {
  readonly rb_parent_color: Int32Array;
  readonly rb_right: Int32Array;
  readonly rb_left: Int32Array;
}

export interface rb_root {
  rb_node: rb_node;
}

/**
 * SIM (speed, docs/perf.md): how many nodes the last `rb_next_from`/`rb_prev_walk` stepped onto,
 * so a hot caller counts them in a local and adds them to nodes_visited once per walk instead of
 * calling a probe per node. Same walk, same count.
 */
export let rb_walked = 0;

/**
 * rb_next (lib/rbtree.c) in table `t`, leaving the nodes it stepped onto in rb_walked. A
 * module-level function, not one of rbtree()'s closures, so that the module-level searches of
 * mm/vmalloc.ts that call it keep one compiled copy (src/kernel/list-walk.ts says why).
 */
export function rb_next_from(t: rb_node_columns, node: rb_node): rb_node {
  const parent_color = t.rb_parent_color;
  const right = t.rb_right;
  const left = t.rb_left;
  let parent: rb_node;
  let c = 0;

  if (parent_color[node] >> 2 === node) {
    rb_walked = 0;
    return 0;
  }

  /* If we have a right-hand child, go down and then left as far as we can. */
  if (right[node]) {
    node = right[node];
    c = 1;
    while (left[node]) {
      node = left[node];
      c++;
    }
    rb_walked = c;
    return node;
  }

  /* No right-hand children: go up while we are a right-hand child. */
  while ((parent = parent_color[node] >> 2) && node === right[parent]) {
    node = parent;
    c++;
  }
  if (parent) c++;
  rb_walked = c;
  return parent;
}

/** lib/rbtree.c and rbtree.h's inline helpers over the rb_node columns of table `t`. */
export function rbtree(t: rb_node_columns) {
  /* include/linux/rbtree.h */
  const rb_parent = (r: rb_node): rb_node => t.rb_parent_color[r] >> 2;
  const rb_color = (r: rb_node): number => t.rb_parent_color[r] & 1;
  const rb_is_red = (r: rb_node): boolean => !rb_color(r);
  const rb_is_black = (r: rb_node): boolean => rb_color(r) !== 0;
  const rb_set_red = (r: rb_node): void => {
    t.rb_parent_color[r] &= ~1;
  };
  const rb_set_black = (r: rb_node): void => {
    t.rb_parent_color[r] |= 1;
  };
  const rb_set_parent = (rb: rb_node, p: rb_node): void => {
    t.rb_parent_color[rb] = (t.rb_parent_color[rb] & 3) | (p << 2);
  };
  const rb_set_color = (rb: rb_node, color: number): void => {
    t.rb_parent_color[rb] = (t.rb_parent_color[rb] & ~1) | color;
  };
  const RB_EMPTY_NODE = (node: rb_node): boolean => rb_parent(node) === node;
  const RB_CLEAR_NODE = (node: rb_node): void => rb_set_parent(node, node);

  /** rb_link_node (include/linux/rbtree.h): `link` is `*rb_link = node`, the store into the parent's child or the root. */
  const rb_link_node = (node: rb_node, parent: rb_node, link: (n: rb_node) => void): void => {
    t.rb_parent_color[node] = parent << 2;
    t.rb_left[node] = t.rb_right[node] = 0;

    link(node);
  };

  // __rb_rotate_left (lib/rbtree.c)
  const __rb_rotate_left = (node: rb_node, root: rb_root): void => {
    const right = t.rb_right[node];
    const parent = rb_parent(node);

    if ((t.rb_right[node] = t.rb_left[right])) rb_set_parent(t.rb_left[right], node);
    t.rb_left[right] = node;

    rb_set_parent(right, parent);

    if (parent) {
      if (node === t.rb_left[parent]) t.rb_left[parent] = right;
      else t.rb_right[parent] = right;
    } else root.rb_node = right;
    rb_set_parent(node, right);
  };

  // __rb_rotate_right (lib/rbtree.c)
  const __rb_rotate_right = (node: rb_node, root: rb_root): void => {
    const left = t.rb_left[node];
    const parent = rb_parent(node);

    if ((t.rb_left[node] = t.rb_right[left])) rb_set_parent(t.rb_right[left], node);
    t.rb_right[left] = node;

    rb_set_parent(left, parent);

    if (parent) {
      if (node === t.rb_right[parent]) t.rb_right[parent] = left;
      else t.rb_left[parent] = left;
    } else root.rb_node = left;
    rb_set_parent(node, left);
  };

  // rb_insert_color (lib/rbtree.c)
  const rb_insert_color = (node: rb_node, root: rb_root): void => {
    let parent: rb_node;
    let gparent: rb_node;

    while ((parent = rb_parent(node)) && rb_is_red(parent)) {
      gparent = rb_parent(parent);

      if (parent === t.rb_left[gparent]) {
        {
          const uncle = t.rb_right[gparent];
          if (uncle && rb_is_red(uncle)) {
            rb_set_black(uncle);
            rb_set_black(parent);
            rb_set_red(gparent);
            node = gparent;
            continue;
          }
        }

        if (t.rb_right[parent] === node) {
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
          const uncle = t.rb_left[gparent];
          if (uncle && rb_is_red(uncle)) {
            rb_set_black(uncle);
            rb_set_black(parent);
            rb_set_red(gparent);
            node = gparent;
            continue;
          }
        }

        if (t.rb_left[parent] === node) {
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

    rb_set_black(root.rb_node);
  };

  // __rb_erase_color (lib/rbtree.c)
  const __rb_erase_color = (node: rb_node, parent: rb_node, root: rb_root): void => {
    let other: rb_node;

    while ((!node || rb_is_black(node)) && node !== root.rb_node) {
      if (t.rb_left[parent] === node) {
        other = t.rb_right[parent];
        if (rb_is_red(other)) {
          rb_set_black(other);
          rb_set_red(parent);
          __rb_rotate_left(parent, root);
          other = t.rb_right[parent];
        }
        if ((!t.rb_left[other] || rb_is_black(t.rb_left[other])) && (!t.rb_right[other] || rb_is_black(t.rb_right[other]))) {
          rb_set_red(other);
          node = parent;
          parent = rb_parent(node);
        } else {
          if (!t.rb_right[other] || rb_is_black(t.rb_right[other])) {
            rb_set_black(t.rb_left[other]);
            rb_set_red(other);
            __rb_rotate_right(other, root);
            other = t.rb_right[parent];
          }
          rb_set_color(other, rb_color(parent));
          rb_set_black(parent);
          rb_set_black(t.rb_right[other]);
          __rb_rotate_left(parent, root);
          node = root.rb_node;
          break;
        }
      } else {
        other = t.rb_left[parent];
        if (rb_is_red(other)) {
          rb_set_black(other);
          rb_set_red(parent);
          __rb_rotate_right(parent, root);
          other = t.rb_left[parent];
        }
        if ((!t.rb_left[other] || rb_is_black(t.rb_left[other])) && (!t.rb_right[other] || rb_is_black(t.rb_right[other]))) {
          rb_set_red(other);
          node = parent;
          parent = rb_parent(node);
        } else {
          if (!t.rb_left[other] || rb_is_black(t.rb_left[other])) {
            rb_set_black(t.rb_right[other]);
            rb_set_red(other);
            __rb_rotate_left(other, root);
            other = t.rb_left[parent];
          }
          rb_set_color(other, rb_color(parent));
          rb_set_black(parent);
          rb_set_black(t.rb_left[other]);
          __rb_rotate_right(parent, root);
          node = root.rb_node;
          break;
        }
      }
    }
    if (node) rb_set_black(node);
  };

  // rb_erase (lib/rbtree.c)
  const rb_erase = (node: rb_node, root: rb_root): void => {
    let child: rb_node;
    let parent: rb_node;
    let color: number;

    if (!t.rb_left[node]) child = t.rb_right[node];
    else if (!t.rb_right[node]) child = t.rb_left[node];
    else {
      const old = node;
      let left: rb_node;

      node = t.rb_right[node];
      while ((left = t.rb_left[node])) node = left;

      if (rb_parent(old)) {
        if (t.rb_left[rb_parent(old)] === old) t.rb_left[rb_parent(old)] = node;
        else t.rb_right[rb_parent(old)] = node;
      } else root.rb_node = node;

      child = t.rb_right[node];
      parent = rb_parent(node);
      color = rb_color(node);

      if (parent === old) {
        parent = node;
      } else {
        if (child) rb_set_parent(child, parent);
        t.rb_left[parent] = child;

        t.rb_right[node] = t.rb_right[old];
        rb_set_parent(t.rb_right[old], node);
      }

      t.rb_parent_color[node] = t.rb_parent_color[old];
      t.rb_left[node] = t.rb_left[old];
      rb_set_parent(t.rb_left[old], node);

      if (color === RB_BLACK) __rb_erase_color(child, parent, root);
      return;
    }

    parent = rb_parent(node);
    color = rb_color(node);

    if (child) rb_set_parent(child, parent);
    if (parent) {
      if (t.rb_left[parent] === node) t.rb_left[parent] = child;
      else t.rb_right[parent] = child;
    } else root.rb_node = child;

    /* color: */
    if (color === RB_BLACK) __rb_erase_color(child, parent, root);
  };

  // rb_first (lib/rbtree.c)
  const rb_first = (root: rb_root, visit?: () => void): rb_node => {
    let n = root.rb_node;
    if (!n) return 0;
    visit?.();
    while (t.rb_left[n]) {
      n = t.rb_left[n];
      visit?.();
    }
    return n;
  };

  // rb_last (lib/rbtree.c)
  const rb_last = (root: rb_root, visit?: () => void): rb_node => {
    let n = root.rb_node;
    if (!n) return 0;
    visit?.();
    while (t.rb_right[n]) {
      n = t.rb_right[n];
      visit?.();
    }
    return n;
  };

  // rb_prev (lib/rbtree.c), leaving the nodes it stepped onto in rb_walked
  const rb_prev_walk = (node: rb_node): rb_node => {
    let parent: rb_node;
    let c = 0;

    if (rb_parent(node) === node) {
      rb_walked = 0;
      return 0;
    }

    /* If we have a left-hand child, go down and then right as far as we can. */
    if (t.rb_left[node]) {
      node = t.rb_left[node];
      c = 1;
      while (t.rb_right[node]) {
        node = t.rb_right[node];
        c++;
      }
      rb_walked = c;
      return node;
    }

    /* No left-hand children: go up while we are a left-hand child. */
    while ((parent = rb_parent(node)) && node === t.rb_left[parent]) {
      node = parent;
      c++;
    }
    if (parent) c++;
    rb_walked = c;
    return parent;
  };

  // rb_next (lib/rbtree.c): `visit` is called once per node the walk stepped onto
  const rb_next = (node: rb_node, visit?: () => void): rb_node => {
    const r = rb_next_from(t, node);
    if (visit) for (let i = rb_walked; i > 0; i--) visit();
    return r;
  };

  // rb_prev (lib/rbtree.c): `visit` is called once per node the walk stepped onto
  const rb_prev = (node: rb_node, visit?: () => void): rb_node => {
    const r = rb_prev_walk(node);
    if (visit) for (let i = rb_walked; i > 0; i--) visit();
    return r;
  };

  return {
    rb_parent,
    rb_color,
    RB_EMPTY_NODE,
    RB_CLEAR_NODE,
    rb_link_node,
    rb_insert_color,
    rb_erase,
    rb_first,
    rb_last,
    rb_next,
    rb_prev,
    rb_prev_walk,
  };
}
