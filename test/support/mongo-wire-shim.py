#!/usr/bin/python3
"""
A STAND-IN FOR MongoDB, NOT MongoDB: a small MongoDB wire-protocol server that hands each
command to mongomock (Debian's python3-mongomock, an in-memory imitation of pymongo) and
answers in BSON, so the MongoDB adapter can be driven through a real mongoose/driver
connection on machines where no mongod can be installed.

What it is not: no transactions, no sessions beyond accepting `lsid`, no replica set, no
journal, no explain(), no real query planner, no TTL expiry, one global lock around every
command (writes are serialised). Tests that need those skip on it and say why; they run
when MONGODB_URI points at a real replica set.

Usage: mongo-wire-shim.py [port]   (0 = any free port; the chosen port is printed on
stdout as `listening <port>` once it accepts connections). Ends when stdin closes, so it
never outlives the process that started it.
"""
import datetime
import os
import socketserver
import struct
import sys
import threading
import traceback

import bson
from bson.codec_options import CodecOptions
from bson.son import SON
import mongomock
from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError, OperationFailure

OP_REPLY, OP_QUERY, OP_MSG = 1, 2004, 2013
CODEC = CodecOptions(document_class=SON, tz_aware=False)
LOCK = threading.Lock()
CLIENT = mongomock.MongoClient()
MAX_WIRE = 17  # claims MongoDB 6.0's wire protocol; the driver refuses servers older than 4.2
_conn_ids = iter(range(1, 1 << 30))


class CommandError(Exception):
    def __init__(self, code, name, msg):
        super().__init__(msg)
        self.code, self.name, self.msg = code, name, msg


def hello(_db, _cmd):
    return {
        'helloOk': True, 'ismaster': True, 'isWritablePrimary': True, 'maxBsonObjectSize': 16 * 1024 * 1024,
        'maxMessageSizeBytes': 48000000, 'maxWriteBatchSize': 100000, 'localTime': datetime.datetime.utcnow(),
        'logicalSessionTimeoutMinutes': 30, 'connectionId': next(_conn_ids), 'minWireVersion': 0,
        'maxWireVersion': MAX_WIRE, 'readOnly': False, 'msg': 'mongo-wire-shim (mongomock stand-in, not MongoDB)',
    }


def cursor(db, coll, docs):
    return {'cursor': {'id': bson.int64.Int64(0), 'ns': '%s.%s' % (db.name, coll), 'firstBatch': list(docs)}}


def write_error(i, e):
    if isinstance(e, DuplicateKeyError) or getattr(e, 'code', None) == 11000:
        return {'index': i, 'code': 11000, 'errmsg': 'E11000 duplicate key error: %s' % e}
    return {'index': i, 'code': getattr(e, 'code', None) or 2, 'errmsg': str(e)}


def is_operator_update(u):
    return isinstance(u, dict) and len(u) > 0 and all(k.startswith('$') for k in u)


def cmd_insert(db, cmd):
    c = db[cmd['insert']]
    n, errors = 0, []
    for i, doc in enumerate(cmd.get('documents', [])):
        try:
            c.insert_one(doc)
            n += 1
        except Exception as e:  # noqa: BLE001 — every failure is the client's write error
            errors.append(write_error(i, e))
            if cmd.get('ordered', True):
                break
    out = {'n': n}
    if errors:
        out['writeErrors'] = errors
    return out


def cmd_update(db, cmd):
    c = db[cmd['update']]
    n, modified, upserted, errors = 0, 0, [], []
    for i, spec in enumerate(cmd.get('updates', [])):
        try:
            q, u, upsert, multi = spec.get('q', {}), spec['u'], bool(spec.get('upsert')), bool(spec.get('multi'))
            if is_operator_update(u):
                r = (c.update_many if multi else c.update_one)(q, u, upsert=upsert, array_filters=spec.get('arrayFilters'))
            else:
                r = c.replace_one(q, u, upsert=upsert)
            n += r.matched_count
            modified += r.modified_count
            if r.upserted_id is not None:
                n += 1
                upserted.append({'index': i, '_id': r.upserted_id})
        except Exception as e:  # noqa: BLE001
            errors.append(write_error(i, e))
            if cmd.get('ordered', True):
                break
    out = {'n': n, 'nModified': modified}
    if upserted:
        out['upserted'] = upserted
    if errors:
        out['writeErrors'] = errors
    return out


def cmd_delete(db, cmd):
    c = db[cmd['delete']]
    n = 0
    for spec in cmd.get('deletes', []):
        n += (c.delete_one if spec.get('limit') == 1 else c.delete_many)(spec.get('q', {})).deleted_count
    return {'n': n}


def cmd_find(db, cmd):
    c = db[cmd['find']]
    cur = c.find(cmd.get('filter') or {}, projection=cmd.get('projection') or None)
    if cmd.get('sort'):
        cur = cur.sort(list(cmd['sort'].items()))
    if cmd.get('skip'):
        cur = cur.skip(int(cmd['skip']))
    if cmd.get('limit'):
        cur = cur.limit(abs(int(cmd['limit'])))
    return cursor(db, cmd['find'], cur)


def cmd_aggregate(db, cmd):
    name = cmd['aggregate']
    if name == 1:
        raise CommandError(115, 'CommandNotSupported', 'database-level aggregate is not supported by the shim')
    return cursor(db, name, aggregate(db, name, rewrite(list(cmd.get('pipeline', [])))))


def substitute(value, env):
    """`$$name` of a `$lookup`'s `let` replaced by that value, wrapped in `$literal`."""
    if isinstance(value, str) and value.startswith('$$') and value[2:] in env:
        return {'$literal': env[value[2:]]}
    if isinstance(value, dict):
        return SON((k, substitute(v, env)) for k, v in value.items())
    if isinstance(value, list):
        return [substitute(v, env) for v in value]
    return value


def rewrite(value):
    """Expressions mongomock lacks, as ones it has: `{$anyElementTrue: [xs]}` of booleans → `{$in: [true, xs]}`."""
    if isinstance(value, dict):
        if set(value) == {'$anyElementTrue'}:
            arg = value['$anyElementTrue']
            return {'$in': [True, rewrite(arg[0] if isinstance(arg, list) else arg)]}
        return SON((k, rewrite(v)) for k, v in value.items())
    if isinstance(value, list):
        return [rewrite(v) for v in value]
    return value


def field(doc, path):
    for part in path.split('.'):
        doc = doc.get(part) if isinstance(doc, dict) else None
    return doc


def aggregate(db, name, pipeline, coll=None):
    """mongomock's aggregate, with every `$lookup` run here, per document (mongomock lacks `let` + `pipeline`, and the later stages read a scratch copy)."""
    coll = coll if coll is not None else db[name]
    for i, stage in enumerate(pipeline):
        look = stage.get('$lookup') if isinstance(stage, dict) else None
        if look:
            docs = list(coll.aggregate(pipeline[:i])) if i else list(coll.find())
            for doc in docs:
                env = {k: (field(doc, v[1:]) if isinstance(v, str) and v.startswith('$') else v) for k, v in (look.get('let') or {}).items()}
                sub = substitute(look.get('pipeline') or [], env)
                if 'localField' in look:
                    sub = [{'$match': {look['foreignField']: field(doc, look['localField'])}}] + sub
                doc[look['as']] = list(db[look['from']].aggregate(sub)) if sub else list(db[look['from']].find())
            if i + 1 == len(pipeline):
                return docs
            scratch = CLIENT['__shim_scratch'][name]  # the documents so far, for the stages after
            scratch.drop()
            if docs:
                scratch.insert_many(docs)
            return aggregate(db, name, pipeline[i + 1:], scratch)
    return coll.aggregate(pipeline) if pipeline else coll.find()


def cmd_count(db, cmd):
    c = db[cmd['count']]
    kw = {}
    if cmd.get('skip'):
        kw['skip'] = int(cmd['skip'])
    if cmd.get('limit'):
        kw['limit'] = abs(int(cmd['limit']))
    return {'n': c.count_documents(cmd.get('query') or {}, **kw)}


def cmd_distinct(db, cmd):
    return {'values': db[cmd['distinct']].distinct(cmd['key'], cmd.get('query') or {})}


def cmd_find_and_modify(db, cmd):
    c = db[cmd.get('findAndModify') or cmd.get('findandmodify')]
    q, sort, fields = cmd.get('query') or {}, list((cmd.get('sort') or {}).items()) or None, cmd.get('fields') or None
    before = c.find_one(q, sort=sort)
    if cmd.get('remove'):
        value = c.find_one_and_delete(q, sort=sort, projection=fields)
        return {'lastErrorObject': {'n': 1 if value else 0}, 'value': value}
    u = cmd.get('update')
    rd = ReturnDocument.AFTER if cmd.get('new') else mongomock.ReturnDocument.BEFORE
    if is_operator_update(u):
        value = c.find_one_and_update(q, u, projection=fields, sort=sort, upsert=bool(cmd.get('upsert')), return_document=rd)
    else:
        value = c.find_one_and_replace(q, u, projection=fields, sort=sort, upsert=bool(cmd.get('upsert')), return_document=rd)
    leo = {'n': 1, 'updatedExisting': before is not None}
    if before is None:
        if not cmd.get('upsert'):
            leo['n'] = 0
        else:
            after = value if cmd.get('new') else c.find_one(q, sort=sort)
            if after is not None:
                leo['upserted'] = after.get('_id')
    return {'lastErrorObject': leo, 'value': value}


def cmd_create_indexes(db, cmd):
    c = db[cmd['createIndexes']]
    before = len(c.index_information())
    for ix in cmd.get('indexes', []):
        # an index that exists with the same name and key: nothing to do, as on MongoDB (mongomock would
        # re-check a partial unique index against every document, ignoring its filter, and refuse a reopen)
        have = c.index_information().get(ix.get('name'))
        if have and [tuple(k) for k in have['key']] == list(ix['key'].items()):
            continue
        opts = {k: v for k, v in ix.items() if k in ('unique', 'sparse', 'expireAfterSeconds', 'partialFilterExpression')}
        try:
            c.create_index(list(ix['key'].items()), name=ix.get('name'), **opts)
        except OperationFailure as e:
            if 'already exists' in str(e):
                raise CommandError(85, 'IndexOptionsConflict', str(e))
            raise
    return {'numIndexesBefore': before, 'numIndexesAfter': len(c.index_information()), 'createdCollectionAutomatically': before == 0}


def cmd_list_indexes(db, cmd):
    name = cmd['listIndexes']
    if name not in db.list_collection_names():
        raise CommandError(26, 'NamespaceNotFound', 'ns does not exist: %s.%s' % (db.name, name))
    out = []
    for ix_name, info in db[name].index_information().items():
        d = {'v': 2, 'key': SON(info['key']), 'name': ix_name}
        d.update({k: v for k, v in info.items() if k not in ('key', 'v')})
        out.append(d)
    return cursor(db, name, out)


def cmd_drop_indexes(db, cmd):
    c = db[cmd['dropIndexes']]
    if cmd.get('index') == '*':
        c.drop_indexes()
    else:
        c.drop_index(cmd['index'])
    return {}


def cmd_list_collections(db, cmd):
    flt = cmd.get('filter') or {}
    names = db.list_collection_names()
    if 'name' in flt and isinstance(flt['name'], str):
        names = [n for n in names if n == flt['name']]
    docs = [{'name': n, 'type': 'collection', 'options': {}, 'info': {'readOnly': False}} for n in names]
    if cmd.get('nameOnly'):
        docs = [{'name': d['name'], 'type': 'collection'} for d in docs]
    return cursor(db, '$cmd.listCollections', docs)


def cmd_create(db, cmd):
    if cmd['create'] in db.list_collection_names():
        raise CommandError(48, 'NamespaceExists', 'Collection already exists. NS: %s.%s' % (db.name, cmd['create']))
    db.create_collection(cmd['create'])
    return {}


def cmd_drop(db, cmd):
    if cmd['drop'] not in db.list_collection_names():
        raise CommandError(26, 'NamespaceNotFound', 'ns not found')
    db.drop_collection(cmd['drop'])
    return {}


def cmd_drop_database(db, _cmd):
    CLIENT.drop_database(db.name)
    return {'dropped': db.name}


def no_transactions(_db, _cmd):
    raise CommandError(20, 'IllegalOperation', 'Transaction numbers are only allowed on a replica set member or mongos (mongo-wire-shim is a stand-in with no transactions)')


def no_explain(_db, _cmd):
    raise CommandError(115, 'CommandNotSupported', 'explain is not supported by mongo-wire-shim (a mongomock stand-in)')


def ok_empty(_db, _cmd):
    return {}


COMMANDS = {
    'hello': hello, 'ismaster': hello, 'isMaster': hello,
    'ping': ok_empty, 'endSessions': ok_empty, 'killCursors': lambda _d, c: {'cursorsKilled': c.get('cursors', []), 'cursorsNotFound': [], 'cursorsAlive': [], 'cursorsUnknown': []},
    'buildInfo': lambda _d, _c: {'version': '6.0.0-mongo-wire-shim', 'versionArray': [6, 0, 0, 0], 'bits': 64, 'maxBsonObjectSize': 16 * 1024 * 1024},
    'getParameter': lambda _d, _c: {'featureCompatibilityVersion': {'version': '6.0'}},
    'insert': cmd_insert, 'update': cmd_update, 'delete': cmd_delete, 'find': cmd_find, 'aggregate': cmd_aggregate,
    'count': cmd_count, 'distinct': cmd_distinct, 'findAndModify': cmd_find_and_modify, 'findandmodify': cmd_find_and_modify,
    'createIndexes': cmd_create_indexes, 'listIndexes': cmd_list_indexes, 'dropIndexes': cmd_drop_indexes,
    'listCollections': cmd_list_collections, 'create': cmd_create, 'drop': cmd_drop, 'dropDatabase': cmd_drop_database,
    'getMore': lambda _d, _c: (_ for _ in ()).throw(CommandError(43, 'CursorNotFound', 'every cursor is answered in its first batch')),
    'startTransaction': no_transactions, 'commitTransaction': no_transactions, 'abortTransaction': no_transactions,
    'explain': no_explain,
}


def run_command(cmd, db_name):
    name = next(iter(cmd))
    if cmd.get('startTransaction') or ('txnNumber' in cmd and cmd.get('autocommit') is False):
        fn = no_transactions
    else:
        fn = COMMANDS.get(name)
    try:
        if fn is None:
            raise CommandError(59, 'CommandNotFound', "no such command: '%s' (mongo-wire-shim)" % name)
        with LOCK:
            out = fn(CLIENT[db_name], cmd)
        reply = SON(out)
        reply['ok'] = 1.0
        return reply
    except CommandError as e:
        return SON([('ok', 0.0), ('errmsg', e.msg), ('code', e.code), ('codeName', e.name)])
    except DuplicateKeyError as e:
        return SON([('ok', 0.0), ('errmsg', 'E11000 duplicate key error: %s' % e), ('code', 11000), ('codeName', 'DuplicateKey')])
    except Exception as e:  # noqa: BLE001 — surfaced to the client as a command error
        if os.environ.get('MONGO_SHIM_DEBUG'):
            traceback.print_exc()
        code = getattr(e, 'code', None) or 1
        return SON([('ok', 0.0), ('errmsg', '%s: %s' % (type(e).__name__, e)), ('code', int(code)), ('codeName', type(e).__name__)])


def read_cstring(buf, pos):
    end = buf.index(b'\x00', pos)
    return buf[pos:end].decode('utf-8'), end + 1


class Handler(socketserver.BaseRequestHandler):
    def recv_exact(self, n):
        chunks, got = [], 0
        while got < n:
            b = self.request.recv(n - got)
            if not b:
                raise ConnectionError('closed')
            chunks.append(b)
            got += len(b)
        return b''.join(chunks)

    def send(self, request_id, op, body):
        header = struct.pack('<iiii', 16 + len(body), request_id & 0x7FFFFFFF, self.request_id, op)
        self.request.sendall(header + body)

    def handle(self):
        try:
            while True:
                length, self.request_id, _to, op = struct.unpack('<iiii', self.recv_exact(16))
                body = self.recv_exact(length - 16)
                if op == OP_MSG:
                    self.on_msg(body)
                elif op == OP_QUERY:
                    self.on_query(body)
                else:
                    return  # OP_COMPRESSED and the removed legacy opcodes: not spoken here
        except (ConnectionError, OSError):
            return

    def on_msg(self, body):
        flags = struct.unpack_from('<I', body, 0)[0]
        end = len(body) - (4 if flags & 1 else 0)
        pos, cmd = 4, None
        seqs = {}
        while pos < end:
            kind = body[pos]
            pos += 1
            if kind == 0:
                size = struct.unpack_from('<i', body, pos)[0]
                cmd = bson.decode(body[pos:pos + size], CODEC)
                pos += size
            else:
                size = struct.unpack_from('<i', body, pos)[0]
                stop = pos + size
                ident, p = read_cstring(body, pos + 4)
                seqs[ident] = list(bson.decode_all(body[p:stop], CODEC))
                pos = stop
        cmd.update(seqs)
        db_name = cmd.pop('$db', 'admin')
        for k in ('lsid', '$clusterTime', '$readPreference', 'writeConcern', 'readConcern', 'apiVersion', 'apiStrict', 'maxTimeMS', 'comment'):
            cmd.pop(k, None)
        reply = run_command(cmd, db_name)
        if flags & 2:  # moreToCome: the client wants no answer
            return
        self.send(next(_conn_ids), OP_MSG, struct.pack('<I', 0) + b'\x00' + bson.encode(reply, codec_options=CODEC))

    def on_query(self, body):
        # the legacy handshake only: `isMaster`/`hello` on admin.$cmd
        _flags = struct.unpack_from('<i', body, 0)[0]
        ns, pos = read_cstring(body, 4)
        pos += 8
        size = struct.unpack_from('<i', body, pos)[0]
        query = bson.decode(body[pos:pos + size], CODEC)
        if '$query' in query:
            query = query['$query']
        name = next(iter(query), '')
        if ns.endswith('.$cmd') and name in ('isMaster', 'ismaster', 'hello'):
            reply = run_command(SON([(name, 1)]), 'admin')
        else:
            reply = SON([('ok', 0.0), ('errmsg', 'OP_QUERY is only answered for the handshake (mongo-wire-shim)'), ('code', 352)])
        doc = bson.encode(reply, codec_options=CODEC)
        self.send(next(_conn_ids), OP_REPLY, struct.pack('<iqii', 0, 0, 0, 1) + doc)


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    server = Server(('127.0.0.1', port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sys.stdout.write('listening %d\n' % server.server_address[1])
    sys.stdout.flush()
    try:
        sys.stdin.read()  # ends when the parent goes away
    except KeyboardInterrupt:
        pass
    server.shutdown()


if __name__ == '__main__':
    main()
