// Setup for the bank sample (samples/bank/run.sh feeds it to each of the
// three shells once, when their stores are new). Every complete statement
// below is one turn. Nothing here knows about crashes: the accounts live in
// the heap, a transfer is one turn, and the credit travels as a message
// that kenshell delivers exactly once, in order, across kill -9.
const BANKS = {
  '127.0.0.1:7301': ['alice', 'bob', 'carol'],
  '127.0.0.1:7302': ['dave', 'erin', 'frank'],
  '127.0.0.1:7303': ['grace', 'heidi', 'ivan'],
}
const OPENING_BALANCE = 1000
// An account: the balance is a private field, only debit/credit change it.
class Account {
  #balance
  constructor(name, balance) { this.name = name; this.#balance = balance }
  get balance() { return this.#balance }
  debit(amount) {
    if (!Number.isInteger(amount) || amount <= 0) throw new RangeError(`bad amount ${amount}`)
    if (amount > this.#balance) return false
    this.#balance -= amount
    return true
  }
  credit(amount) {
    if (!Number.isInteger(amount) || amount <= 0) throw new RangeError(`bad amount ${amount}`)
    this.#balance += amount
  }
}
// A bank: its accounts plus a ledger of what it sent to / received from
// each other bank (count, amount, sequence numbers), to check afterwards
// that every credit arrived exactly once and in order.
class Bank {
  #accounts = new Map()
  #sent = new Map()      // peer -> { count, amount }
  #received = new Map()  // peer -> { count, amount, lastSeq }
  #anomalies = []
  #local = 0
  #timer = null
  constructor(address, names) {
    this.address = address
    for (const name of names) this.#accounts.set(name, new Account(name, OPENING_BALANCE))
  }
  get total() { let t = 0; for (const a of this.#accounts.values()) t += a.balance; return t }
  get balances() { return Object.fromEntries([...this.#accounts].map(([n, a]) => [n, a.balance])) }
  // One random transfer, run as (part of) a turn: the debit and the
  // ken.send commit together, or neither happens.
  transferRandom() {
    const pick = list => list[Math.floor(Math.random() * list.length)]
    const from = pick([...this.#accounts.values()])
    const amount = 1 + Math.floor(Math.random() * 50)
    const peer = pick(Object.keys(BANKS))
    const to = pick(BANKS[peer])
    if (to === from.name) return
    if (!from.debit(amount)) return
    if (peer === this.address) { this.#accounts.get(to).credit(amount); this.#local++; return }
    const s = this.#sent.get(peer) ?? { count: 0, amount: 0 }
    this.#sent.set(peer, s)
    s.count++; s.amount += amount
    ken.send(peer, { seq: s.count, from: from.name, to, amount })
  }
  // The credit side, run in the delivering turn.
  receive(msg, peer) {
    const r = this.#received.get(peer) ?? { count: 0, amount: 0, lastSeq: 0 }
    this.#received.set(peer, r)
    if (msg.seq !== r.lastSeq + 1) this.#anomalies.push(`from ${peer}: seq ${msg.seq} after ${r.lastSeq}`)
    r.lastSeq = Math.max(r.lastSeq, msg.seq)
    r.count++; r.amount += msg.amount
    const account = this.#accounts.get(msg.to)
    if (!account) { this.#anomalies.push(`from ${peer}: no account ${msg.to}`); return }
    account.credit(msg.amount)
  }
  start(ms) { this.stop(); this.#timer = setInterval(() => this.transferRandom(), ms); return `transfers every ${ms} ms` }
  stop() { if (this.#timer !== null) clearInterval(this.#timer); this.#timer = null; return 'stopped' }
  // Lines the driver greps: SENT/RECV ledger lines, then REPORT last.
  report(tag) {
    const lines = []
    for (const [peer, s] of this.#sent) lines.push(`SENT ${tag} ${this.address} ${peer} ${s.count} ${s.amount}`)
    for (const [peer, r] of this.#received) lines.push(`RECV ${tag} ${peer} ${this.address} ${r.count} ${r.amount}`)
    for (const a of this.#anomalies) lines.push(`ANOMALY ${tag} ${this.address} ${a}`)
    const pending = Object.values(ken.pending()).reduce((x, y) => x + y, 0)
    lines.push(`REPORT ${tag} ${this.address} total=${this.total} pending=${pending} local=${this.#local} anomalies=${this.#anomalies.length} running=${this.#timer !== null}`)
    console.log(lines.join('\n'))
  }
}
const bank = new Bank(ken.address, BANKS[ken.address])
ken.onmessage = (msg, from) => bank.receive(msg, from)
console.log(`READY ${ken.address} total=${bank.total}`)
