"""Offer: import an official file into the store (token)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request

from proxisante.web.context import WebContext, get_context, require_token

__all__ = ["router"]

router = APIRouter()
Context = Annotated[WebContext, Depends(get_context)]


@router.post("/api/offer/import/{kind}", status_code=201, dependencies=[Depends(require_token)])
async def import_offer(kind: str, request: Request, ctx: Context) -> dict[str, Any]:
    """Import an official file (raw body: FINESS extract, RPPS extraction or BPE) into the
    store, in one transaction, with provenance; ``?lenient=true`` skips and reports bad rows,
    ``?replace_with_empty=true`` accepts a file with no row (it erases the earlier import)."""
    from proxisante.offer import KINDS

    if kind not in KINDS:
        raise HTTPException(404, f"unknown import kind '{kind}'; accepted: {', '.join(KINDS)}")
    if not ctx.has_store:
        raise HTTPException(403, "imports need a store: start the server with --store")
    flags = {k: request.query_params.get(k, "false").lower() in ("1", "true", "yes")
             for k in ("lenient", "replace_with_empty")}  # fmt: skip
    body = await request.body()
    with tempfile.TemporaryDirectory() as tmp:
        name = f"upload-{kind}.{'txt' if kind == 'rpps' else 'csv'}"
        path = Path(tmp) / name
        path.write_bytes(body)
        # messages name the upload, never the server's temporary path
        rep = ctx.workspace.import_file(kind, path, display_name=name, **flags)
    ctx.refresh()
    return {"kind": kind, "rows_stored": rep.rows_stored, "rows_skipped": rep.rows_skipped,
            "skipped": rep.skipped_summary}  # fmt: skip
