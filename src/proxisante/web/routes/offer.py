"""Offer (token): import an official file into the store.

The body is streamed to a temporary file as it arrives (the request guard bounds its
size), and the import runs on a worker thread under the context's write lock, so the
event loop keeps serving other requests.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from starlette.concurrency import run_in_threadpool

from proxisante.web.context import WebContext, get_context, require_token
from proxisante.workspace import KINDS

__all__ = ["router"]

router = APIRouter(dependencies=[Depends(require_token)])
Context = Annotated[WebContext, Depends(get_context)]


@router.post("/api/offer/import/{kind}", status_code=201)
async def import_offer(kind: str, request: Request, ctx: Context) -> dict[str, Any]:
    """Import an official file (raw body: FINESS extract, RPPS extraction or BPE) into the
    store, in one transaction, with provenance; ``?lenient=true`` skips and reports bad rows,
    ``?replace_with_empty=true`` accepts a file with no row (it erases the earlier import)."""

    if kind not in KINDS:
        raise HTTPException(404, f"unknown import kind '{kind}'; accepted: {', '.join(KINDS)}")
    if not ctx.has_store:
        raise HTTPException(403, "imports need a store: start the server with --store")
    flags = {k: request.query_params.get(k, "false").lower() in ("1", "true", "yes")
             for k in ("lenient", "replace_with_empty")}  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        name = f"upload-{kind}.{'txt' if kind == 'rpps' else 'csv'}"
        path = Path(tmp) / name
        with path.open("wb") as out:
            async for chunk in request.stream():
                out.write(chunk)

        def run():
            with ctx.write_lock:
                # messages name the upload, never the server's temporary path
                report = ctx.workspace.import_file(kind, path, display_name=name, **flags)
                ctx.refresh()
                return report

        rep = await run_in_threadpool(run)
    return {"kind": kind, "rows_stored": rep.rows_stored, "rows_skipped": rep.rows_skipped,
            "skipped": rep.skipped_summary}  # fmt: skip
