"""A fake Drive v3 for the files gasctl (and clasp) touch: Apps Script projects seen as Drive files.

Models: ``DriveFiles`` derives each file from the fake's stored projects (``records``), so a project
made by ``projects.create`` is at once a Drive file named after its title; Drive-only state (the trash
flag) is kept beside it in ``api/drive``. Wire: ``ROUTES``/``dispatch`` serve ``files.list``,
``files.get``, ``files.update`` (name, trashed) and ``files.delete`` under ``/drive/v3/`` (the bundled
discovery document's servicePath).

Facts followed (each cited where used): container-bound scripts are not Drive files; ``files.list``
includes trashed files unless the query excludes them; ``files.delete`` deletes for good, so the
project also leaves the Apps Script API; trashing keeps it there (it can still be restored).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from gas_emulator.api_server import errors
from gas_emulator.api_server import records as rec
from gas_emulator.api_server.wire import Route, serve

PATH_PREFIX = "/drive/v3/"  # drive.v3 discovery: rootUrl www.googleapis.com, servicePath "drive/v3/"
NS_DRIVE = "api/drive"  # scriptId -> {"trashed": bool}
SCRIPT_MIME_TYPE = "application/vnd.google-apps.script"  # developers.google.com/drive/api/guides/mime-types
# drive.v3 discovery, files.list pageSize: without it "the entire list of files for non-shared drives";
# "The maximum value is 1000; values above 1000 will be coerced to 1000".
MAX_PAGE_SIZE = 1000
# Drive v3 answers these file fields when the request names no ``fields`` (drive/api/guides/fields-parameter).
DEFAULT_FILE_FIELDS = ("kind", "id", "name", "mimeType")
# developers.google.com/drive/api/guides/handle-errors, "404: File not found" (real answers end in ".").
MSG_FILE_NOT_FOUND = "File not found: {id}."
# Drive's 400 for a query or a fields mask it cannot read (handle-errors, "400: Invalid value";
# ASSUMPTION: the same text for every unsupported query the fake refuses).
MSG_INVALID_VALUE = "Invalid Value"
MSG_INVALID_FIELDS = "Invalid field selection {name}"  # ASSUMPTION: wording of Drive's fields 400


def file_not_found(file_id: str) -> errors.ApiError:
    message = MSG_FILE_NOT_FOUND.format(id=file_id)
    legacy = {"message": message, "domain": "global", "reason": "notFound", "location": "fileId",
              "locationType": "parameter"}
    return errors.ApiError(404, message, errors=[legacy])


def invalid_parameter(name: str, message: str = MSG_INVALID_VALUE) -> errors.ApiError:
    return errors.ApiError(400, message, errors=[{"message": message, "domain": "global", "reason": "invalid",
                                                  "location": name, "locationType": "parameter"}])


# -- query (developers.google.com/drive/api/guides/search-files): the terms scripts are found by ----
_QUOTED = r"'(?:[^'\\]|\\.)*'" + "|" + r'"(?:[^"\\]|\\.)*"'
_TERM = re.compile(rf"\s*(mimeType|name|trashed)\s*(=|!=|contains)\s*({_QUOTED}|true|false)\s*")


def parse_query(q: str) -> list[tuple[str, str, Any]]:
    """``mimeType = '...' and trashed = false`` -> [(field, operator, value)]; 400 for anything else."""
    terms = []
    for part in re.split(r"\s+and\s+", q.strip()) if q.strip() else []:
        found = _TERM.fullmatch(part)
        if found is None:
            raise invalid_parameter("q")
        field, op, raw = found.groups()
        value: Any = raw == "true" if raw in ("true", "false") else re.sub(r"\\(.)", r"\1", raw[1:-1])
        if (field == "trashed") != isinstance(value, bool) or (op == "contains" and field != "name"):
            raise invalid_parameter("q")
        terms.append((field, op, value))
    return terms


def _matches(file: dict[str, Any], terms: list[tuple[str, str, Any]]) -> bool:
    for field, op, value in terms:
        have = file[field]
        ok = value in have if op == "contains" else have == value
        if ok != (op != "!="):
            return False
    return True


# -- fields (developers.google.com/drive/api/guides/fields-parameter): "nextPageToken, files(id, name)"
def parse_fields(text: str) -> dict[str, Any]:
    """The mask as a tree: ``{"nextPageToken": {}, "files": {"id": {}, "name": {}}}``; 400 if unbalanced."""
    root: dict[str, Any] = {}
    stack, name = [root], ""
    for char in text + ",":
        if char in ",()":
            if name.strip():
                stack[-1].setdefault(name.strip(), {})
            if char == "(":
                if not name.strip():
                    raise invalid_parameter("fields", MSG_INVALID_FIELDS.format(name=text))
                stack.append(stack[-1][name.strip()])
            elif char == ")":
                if len(stack) == 1:
                    raise invalid_parameter("fields", MSG_INVALID_FIELDS.format(name=text))
                stack.pop()
            name = ""
        else:
            name += char
    if len(stack) != 1:
        raise invalid_parameter("fields", MSG_INVALID_FIELDS.format(name=text))
    return root


def apply_fields(value: dict[str, Any], mask: dict[str, Any], known: tuple[str, ...]) -> dict[str, Any]:
    if "*" in mask:
        return dict(value)
    for name in mask:
        if name not in known:
            raise invalid_parameter("fields", MSG_INVALID_FIELDS.format(name=name))
    return {name: value[name] for name in mask if name in value}


FILE_FIELDS = ("kind", "id", "name", "mimeType", "trashed", "explicitlyTrashed", "createdTime",
               "modifiedTime", "ownedByMe")
LIST_FIELDS = ("kind", "incompleteSearch", "nextPageToken", "files")


# -- models ---------------------------------------------------------------------------------------
class DriveFiles:
    """Drive's view of the fake's projects; every method runs in one store transaction."""

    def __init__(self, store: Any) -> None:
        self.store = store

    def _tx(self, fn: Callable[[rec.Docs], Any]) -> Any:
        return self.store.doc_transaction(lambda txn: fn(rec.Docs(txn)))

    @staticmethod
    def _file(docs: rec.Docs, project: dict[str, Any]) -> dict[str, Any]:
        trashed = bool((docs.get(NS_DRIVE, project["scriptId"]) or {}).get("trashed"))
        return {"kind": "drive#file", "id": project["scriptId"], "name": project["title"],
                "mimeType": SCRIPT_MIME_TYPE, "trashed": trashed, "explicitlyTrashed": trashed,
                "createdTime": project["createTime"], "modifiedTime": project["updateTime"],
                "ownedByMe": True}

    @staticmethod
    def _standalone(docs: rec.Docs, file_id: str) -> dict[str, Any]:
        project = docs.get(rec.NS_PROJECTS, file_id)
        # Bound scripts "do not appear in Google Drive" (developers.google.com/apps-script/guides/bound;
        # clasp issues #574 and #1028: clasp list never shows them).
        if project is None or project.get("parentId"):
            raise file_not_found(file_id)
        return project

    def list_files(self, q: str, page_size: int | None,
                   page_token: str | None) -> tuple[list[dict], str | None]:
        terms = parse_query(q)

        def fn(docs: rec.Docs) -> tuple[list[dict], str | None]:
            projects = (docs.get(rec.NS_PROJECTS, key) for key in docs.keys(rec.NS_PROJECTS))
            files = [self._file(docs, p) for p in projects if not p.get("parentId")]
            # files.list includes trashed files unless the query says "trashed = false" (search-files).
            # ASSUMPTION: Drive documents no order without orderBy; the fake's is stable for paging.
            files = sorted((f for f in files if _matches(f, terms)),
                           key=lambda f: (f["createdTime"], f["name"], f["id"]))
            size = min(page_size or len(files) or 1, MAX_PAGE_SIZE)
            return rec.page(files, "files", size, page_token)

        return self._tx(fn)

    def get_file(self, file_id: str) -> dict[str, Any]:
        return self._tx(lambda docs: self._file(docs, self._standalone(docs, file_id)))

    def update_file(self, file_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """``name`` renames the project (its title is the Drive name); ``trashed`` moves it in or out of
        the trash. Other File fields are accepted and not kept (nothing the fake serves shows them)."""

        def fn(docs: rec.Docs) -> dict[str, Any]:
            project = self._standalone(docs, file_id)
            if "name" in body:
                project["title"] = body["name"]
                docs.put(rec.NS_PROJECTS, file_id, project)
            if "trashed" in body:
                # ASSUMPTION: a trashed script stays in the Apps Script API: Drive keeps trashed files
                # until they are deleted for good (developers.google.com/drive/api/guides/delete).
                docs.put(NS_DRIVE, file_id, {"trashed": bool(body["trashed"])})
            return self._file(docs, project)

        return self._tx(fn)

    def delete_file(self, file_id: str) -> None:
        """files.delete "Permanently deletes a file ... Skips the trash" (drive v3 reference): the
        project, its versions, deployments and metrics go, so the Apps Script API answers 404 too."""

        def fn(docs: rec.Docs) -> None:
            self._standalone(docs, file_id)
            for dep_id in docs.keys(rec.ns_deployments(file_id)):
                docs.delete(rec.NS_INDEX, dep_id)
            for ns in (rec.ns_versions(file_id), rec.ns_deployments(file_id), rec.ns_metrics(file_id)):
                for key in docs.keys(ns):
                    docs.delete(ns, key)
            docs.delete(rec.NS_PROJECTS, file_id)
            if docs.get(NS_DRIVE, file_id) is not None:
                docs.delete(NS_DRIVE, file_id)

        self._tx(fn)


# -- wire -----------------------------------------------------------------------------------------
def _page_size(query: dict[str, str]) -> int | None:
    if "pageSize" not in query:
        return None
    try:
        size = int(query["pageSize"])
    except ValueError:
        raise invalid_parameter("pageSize") from None
    if size < 1:
        raise invalid_parameter("pageSize")
    return size


def _shaped_file(file: dict[str, Any], query: dict[str, str]) -> dict[str, Any]:
    mask = parse_fields(query["fields"]) if "fields" in query else dict.fromkeys(DEFAULT_FILE_FIELDS, {})
    return apply_fields(file, mask, FILE_FIELDS)


def _list(drive: DriveFiles, query: dict[str, str]) -> tuple[int, Any]:
    files, token = drive.list_files(query.get("q", ""), _page_size(query), query.get("pageToken"))
    answer: dict[str, Any] = {"kind": "drive#fileList", "incompleteSearch": False}
    if token:
        answer["nextPageToken"] = token
    default_mask = {**dict.fromkeys(LIST_FIELDS, {}), "files": dict.fromkeys(DEFAULT_FILE_FIELDS, {})}
    mask = parse_fields(query["fields"]) if "fields" in query else default_mask
    shaped = apply_fields(answer, mask, LIST_FIELDS)
    if "files" in mask or "*" in mask:
        inner = mask.get("files") or dict.fromkeys(FILE_FIELDS, {})
        apply_fields({}, inner, FILE_FIELDS)  # an unknown name is refused even when no file matches
        shaped["files"] = [apply_fields(f, inner, FILE_FIELDS) for f in files]
    return 200, shaped


def routes(drive: DriveFiles) -> tuple[Route, ...]:
    def with_fields(query: dict[str, str], file: dict[str, Any]) -> tuple[int, Any]:
        return 200, _shaped_file(file, query)

    return (
        Route("GET", ("drive", "v3", "files"), "drive.files.list", lambda p, q, b: _list(drive, q)),
        Route("GET", ("drive", "v3", "files", "{fileId}"), "drive.files.get",
              lambda p, q, b: with_fields(q, drive.get_file(p["fileId"]))),
        Route("PATCH", ("drive", "v3", "files", "{fileId}"), "drive.files.update",
              lambda p, q, b: with_fields(q, drive.update_file(p["fileId"], b))),
        Route("DELETE", ("drive", "v3", "files", "{fileId}"), "drive.files.delete",
              lambda p, q, b: (204, drive.delete_file(p["fileId"]))),
    )


def dispatch(drive: DriveFiles, http_method: str, path: str, query: str, body: bytes) -> tuple[int, Any, str]:
    """Serve one Drive call under ``/drive/v3/``: ``(status, JSON body or None, method id)``."""
    return serve(routes(drive), http_method, path, query, body)
