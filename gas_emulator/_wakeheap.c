/* The deterministic kernel's wake-up queue in C (gas_emulator/wakeups.py has the same in Python).
 *
 * Entries order by (wake-up time, seeded tie-break, push order), exactly as the tuples
 * (wake_ms, tiebreak, seq, token, actor) ordered in a heapq heap; seq is unique, so two entries
 * never compare equal and any correct heap pops them in the same order. Why C: with ~1,000
 * waiting executions, the tuple comparisons of heapq's sifts cost ~4,500 instructions per
 * hand-off, 8 % of a simulated call (valgrind, bench/instructions.py); here a comparison is a few
 * instructions on doubles.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

typedef struct {
    double wake;
    double tie;
    unsigned long long seq;
    long long token;
    PyObject *actor; /* strong reference */
} Entry;

typedef struct {
    PyObject_HEAD
    Entry *items;
    Py_ssize_t size;
    Py_ssize_t capacity;
} WakeHeap;

static inline int before(const Entry *a, const Entry *b) {
    if (a->wake != b->wake) return a->wake < b->wake;
    if (a->tie != b->tie) return a->tie < b->tie;
    return a->seq < b->seq;
}

static void sift_up(Entry *items, Py_ssize_t pos) {
    Entry moving = items[pos];
    while (pos > 0) {
        Py_ssize_t parent = (pos - 1) >> 1;
        if (!before(&moving, &items[parent])) break;
        items[pos] = items[parent];
        pos = parent;
    }
    items[pos] = moving;
}

static void sift_down(Entry *items, Py_ssize_t size, Py_ssize_t pos) {
    Entry moving = items[pos];
    for (;;) {
        Py_ssize_t child = 2 * pos + 1;
        if (child >= size) break;
        if (child + 1 < size && before(&items[child + 1], &items[child])) child++;
        if (!before(&items[child], &moving)) break;
        items[pos] = items[child];
        pos = child;
    }
    items[pos] = moving;
}

static int reserve(WakeHeap *self) {
    if (self->size < self->capacity) return 0;
    Py_ssize_t capacity = self->capacity ? self->capacity * 2 : 64;
    Entry *items = PyMem_Realloc(self->items, capacity * sizeof(Entry));
    if (items == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    self->items = items;
    self->capacity = capacity;
    return 0;
}

static int parse_entry(PyObject *const *args, Py_ssize_t nargs, Entry *entry) {
    if (nargs != 5) {
        PyErr_SetString(PyExc_TypeError, "expected (wake_ms, tiebreak, seq, token, actor)");
        return -1;
    }
    entry->wake = PyFloat_AsDouble(args[0]);
    entry->tie = PyFloat_AsDouble(args[1]);
    entry->seq = PyLong_AsUnsignedLongLong(args[2]);
    entry->token = PyLong_AsLongLong(args[3]);
    if (PyErr_Occurred()) return -1;
    entry->actor = args[4];
    return 0;
}

/* (wake_ms, token, actor) of an entry leaving the heap; takes over its reference to the actor. */
static PyObject *leaving(Entry *entry) {
    PyObject *wake = PyFloat_FromDouble(entry->wake);
    PyObject *token = wake ? PyLong_FromLongLong(entry->token) : NULL;
    if (token == NULL) {
        Py_XDECREF(wake);
        Py_DECREF(entry->actor);
        return NULL;
    }
    PyObject *result = PyTuple_New(3);
    if (result == NULL) {
        Py_DECREF(wake);
        Py_DECREF(token);
        Py_DECREF(entry->actor);
        return NULL;
    }
    PyTuple_SET_ITEM(result, 0, wake);
    PyTuple_SET_ITEM(result, 1, token);
    PyTuple_SET_ITEM(result, 2, entry->actor);
    return result;
}

static PyObject *WakeHeap_push(WakeHeap *self, PyObject *const *args, Py_ssize_t nargs) {
    Entry entry;
    if (parse_entry(args, nargs, &entry) < 0 || reserve(self) < 0) return NULL;
    Py_INCREF(entry.actor);
    self->items[self->size] = entry;
    sift_up(self->items, self->size++);
    Py_RETURN_NONE;
}

static PyObject *WakeHeap_pop(WakeHeap *self, PyObject *Py_UNUSED(ignored)) {
    if (self->size == 0) Py_RETURN_NONE;
    Entry first = self->items[0];
    if (--self->size > 0) {
        self->items[0] = self->items[self->size];
        sift_down(self->items, self->size, 0);
    }
    return leaving(&first);
}

static PyObject *WakeHeap_push_pop(WakeHeap *self, PyObject *const *args, Py_ssize_t nargs) {
    Entry entry;
    if (parse_entry(args, nargs, &entry) < 0) return NULL;
    if (self->size == 0 || before(&entry, &self->items[0])) Py_RETURN_NONE;
    Entry first = self->items[0];
    Py_INCREF(entry.actor);
    self->items[0] = entry;
    sift_down(self->items, self->size, 0);
    return leaving(&first);
}

static void release_all(WakeHeap *self) {
    /* Detach the entries first: a destructor run by a DECREF below may use this heap again. */
    Entry *items = self->items;
    Py_ssize_t size = self->size;
    self->items = NULL;
    self->size = self->capacity = 0;
    for (Py_ssize_t i = 0; i < size; i++) Py_DECREF(items[i].actor);
    PyMem_Free(items);
}

static PyObject *WakeHeap_clear(WakeHeap *self, PyObject *Py_UNUSED(ignored)) {
    release_all(self);
    Py_RETURN_NONE;
}

static Py_ssize_t WakeHeap_len(WakeHeap *self) { return self->size; }

static int WakeHeap_traverse(WakeHeap *self, visitproc visit, void *arg) {
    for (Py_ssize_t i = 0; i < self->size; i++) Py_VISIT(self->items[i].actor);
    return 0;
}

static int WakeHeap_tp_clear(WakeHeap *self) {
    release_all(self);
    return 0;
}

static void WakeHeap_dealloc(WakeHeap *self) {
    PyObject_GC_UnTrack(self);
    release_all(self);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyMethodDef WakeHeap_methods[] = {
    {"push", (PyCFunction)(void (*)(void))WakeHeap_push, METH_FASTCALL,
     "push(wake_ms, tiebreak, seq, token, actor)"},
    {"pop", (PyCFunction)WakeHeap_pop, METH_NOARGS,
     "pop() -> (wake_ms, token, actor) of the first entry, removed; None when empty"},
    {"push_pop", (PyCFunction)(void (*)(void))WakeHeap_push_pop, METH_FASTCALL,
     "push_pop(wake_ms, tiebreak, seq, token, actor) -> None if this entry would come first "
     "(nothing changes), else it goes in and the first entry comes out as (wake_ms, token, actor)"},
    {"clear", (PyCFunction)WakeHeap_clear, METH_NOARGS, "remove every entry"},
    {NULL, NULL, 0, NULL},
};

static PySequenceMethods WakeHeap_as_sequence = {
    .sq_length = (lenfunc)WakeHeap_len,
};

static PyTypeObject WakeHeapType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "gas_emulator._wakeheap.WakeHeap",
    .tp_doc = "The kernel's wake-up queue: (wake_ms, tiebreak, seq) order, as heapq tuples.",
    .tp_basicsize = sizeof(WakeHeap),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_new = PyType_GenericNew,
    .tp_dealloc = (destructor)WakeHeap_dealloc,
    .tp_traverse = (traverseproc)WakeHeap_traverse,
    .tp_clear = (inquiry)WakeHeap_tp_clear,
    .tp_methods = WakeHeap_methods,
    .tp_as_sequence = &WakeHeap_as_sequence,
};

static struct PyModuleDef wakeheap_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "gas_emulator._wakeheap",
    .m_doc = "The deterministic kernel's wake-up queue, compiled (see wakeups.py).",
    .m_size = -1,
};

PyMODINIT_FUNC PyInit__wakeheap(void) {
    if (PyType_Ready(&WakeHeapType) < 0) return NULL;
    PyObject *module = PyModule_Create(&wakeheap_module);
    if (module == NULL) return NULL;
    Py_INCREF(&WakeHeapType);
    if (PyModule_AddObject(module, "WakeHeap", (PyObject *)&WakeHeapType) < 0) {
        Py_DECREF(&WakeHeapType);
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
