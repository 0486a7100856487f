// A to-do list that outlives the process. Feed it to a shell once:
//   ./kenshell 127.0.0.1:6666 < samples/todo.js
// then use it interactively, kill the shell (kill -9 is fine), start it
// again: the list, the id counter and the closures are all still there.
class TodoList {
  #nextId = 1;
  #items = new Map();
  add(text) { const id = this.#nextId++; this.#items.set(id, { text, done: false, at: new Date() }); return id; }
  done(id) { const item = this.#items.get(id); if (!item) throw new RangeError(`no item ${id}`); item.done = true; return item; }
  get open() { return [...this.#items].filter(([, i]) => !i.done).map(([id, i]) => `${id}: ${i.text}`); }
}
const todo = new TodoList()
todo.add('try kill -9 on this shell')
todo.add('start it again and look at todo.open')
todo.open
