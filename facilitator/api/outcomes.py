"""The API's outcome operations: follow-up items with their history, IVO's decision, the boards'
redovisning in versions, and the trace of a follow-up item.

Each view parses input, calls one service of `followups/` or `decisions/` (the same the pages
call), and shapes the answer; the blueprint's `after_request` commits once (`api/routes._commit`).
Every one is open to a board's token (`boards=True`): the services decide, as for the pages,
that a board reads and updates only its own items and redovisning (another board's is not
found) and that only IVO creates, edits, decides and reviews.
"""

import io

from flask import g, jsonify, request, send_file, url_for

from ..decisions import services as decisions
from ..decisions.forms import DecisionForm, MeasureForm, ReviewForm
from ..followups import commands, queries, uploads
from ..followups.forms import CommentForm, EvidenceForm, FollowUpForm, StatusForm
from ..traces import services as traces
from .contract import ID, Operation, answer, body, operation, operations
from .inputs import input_schema
from .outcome_schemas import (
    BoardReportSchema,
    DecisionSchema,
    EvidenceSchema,
    FollowUpDetailSchema,
    FollowUpEventSchema,
    FollowUpSchema,
    MeasureSchema,
    ReportVersionSchema,
)
from .routes import DECISION, DIALOGUE, TRACE, v1

#: A follow-up item's trace: its reflection's path (null when it came from something else),
#: with this item's own history.
ITEM_TRACE = {**TRACE, "description": "The item's path in time order: the reflection it came "
              "from (if any) and the item's own history.",
              "properties": {**TRACE["properties"], "reflection": {"type": ["object", "null"]},
                             "item": {"type": "object", "required": ["id", "title"],
                                      "properties": {"id": {"type": "integer"},
                                                     "title": {"type": "string"}}}},
              "required": [*TRACE["required"], "item"]}

ITEM = f"/followups/<{ID}:followup_id>"
REPORT = f"{DIALOGUE}/report"
VERSION = f"{REPORT}/versions/<{ID}:version_id>"

FollowUpInput = input_schema(FollowUpForm, "FollowUpInput", descriptions={
    "owner": "The owning board's id as a string (one of the dialogue's boards), or \"ivo\".",
    "source": "What it came from: \"reflection:12\", \"question:7\" or \"disagreement:9\".",
    "status": "New items: proposed or agreed (the default).",
    "ivo_position": "Required when agreement is \"different\".",
    "board_position": "Required when agreement is \"different\"."})
StatusInput = input_schema(StatusForm, "StatusInput", descriptions={
    "status": "proposed → agreed → in_progress → done | not_done (and back); a board moves "
              "its agreed items to in_progress, done or not_done.",
    "reason": "Required for not_done."})
CommentInput = input_schema(CommentForm, "CommentInput")
EvidenceInput = input_schema(EvidenceForm, "EvidenceInput", skip=("file",), descriptions={
    "text": "A description, a link or both (send multipart/form-data to add a file too).",
    "url": "https://… or http://…"})
#: Evidence with a file: the page's form as multipart/form-data.
EVIDENCE_UPLOAD = {
    "type": "object",
    "description": "Evidence with a file, as the item's page sends it: a PDF, DOCX, PNG or "
                   "JPEG of at most 10 MB, its type detected from its content.",
    "properties": {
        "text": {"type": "string", "maxLength": 5000, "description": "A description."},
        "url": {"type": "string", "maxLength": 1000, "description": "https://… or http://…"},
        "file": {"type": "string", "format": "binary"}},
}
DecisionInput = input_schema(DecisionForm, "DecisionInput", descriptions={
    "requirement_ids": "The dialogue's deficiencies (or concerns) that need measures; at "
                       "least one.",
    "report_due": "Not before decided_on."})
MeasureInput = input_schema(MeasureForm, "MeasureInput")
ReviewInput = input_schema(ReviewForm, "ReviewInput", descriptions={
    "comment": "Required when asking for additions."})


# --- follow-up items ---------------------------------------------------------------------

ITEMS = "follow-up items"


@v1.get("/followups")
@operation(id="listBoardFollowUps", summary="A board's own follow-up items in every dialogue",
           tag=ITEMS, response=FollowUpSchema, many=True, errors=(403,), boards=True)
def board_followups():
    return answer(FollowUpSchema, queries.items_for_board(g.api_user))


@v1.route(f"{DIALOGUE}/followups", methods=["GET", "POST"])
@operations(
    GET=Operation("listFollowUps", "The dialogue's follow-up items (a board: its own)", ITEMS,
                  FollowUpSchema, many=True, errors=(403,), boards=True),
    POST=Operation("createFollowUp", "Create a follow-up item (IVO)", ITEMS, FollowUpSchema,
                   status=201, body=FollowUpInput, errors=(403,), boards=True))
def followups(dialogue_id: int):
    if request.method == "GET":
        return answer(FollowUpSchema, queries.items_for_dialogue(g.api_user, dialogue_id))
    item = commands.create_item(g.api_user, dialogue_id, body())
    return answer(FollowUpSchema, item, 201, url_for("api_v1.followup", followup_id=item.id))


@v1.route(ITEM, methods=["GET", "PUT"])
@operations(
    GET=Operation("getFollowUp", "One follow-up item with its history and evidence", ITEMS,
                  FollowUpDetailSchema, errors=(403,), boards=True),
    PUT=Operation("updateFollowUp", "Replace a follow-up item's fields (IVO)", ITEMS,
                  FollowUpSchema, body=FollowUpInput, errors=(403,), boards=True))
def followup(followup_id: int):
    if request.method == "GET":
        return answer(FollowUpDetailSchema, queries.item_page(g.api_user, followup_id))
    return answer(FollowUpSchema, commands.update_item(g.api_user, followup_id, body()))


@v1.post(f"{ITEM}/status")
@operation(id="changeFollowUpStatus", summary="Move a follow-up item to a new status, with a "
           "comment", tag=ITEMS, response=FollowUpSchema, body=StatusInput, errors=(403,),
           boards=True)
def followup_status(followup_id: int):
    return answer(FollowUpSchema, commands.change_status(g.api_user, followup_id, body()))


@v1.post(f"{ITEM}/comments")
@operation(id="addFollowUpComment", summary="Comment on a follow-up item", tag=ITEMS,
           response=FollowUpEventSchema, status=201, body=CommentInput, errors=(403,),
           boards=True)
def followup_comment(followup_id: int):
    event = commands.add_comment(g.api_user, followup_id, body())
    return answer(FollowUpEventSchema, event, 201,
                  url_for("api_v1.followup", followup_id=followup_id))


@v1.route(f"{ITEM}/evidence", methods=["GET", "POST"])
@operations(
    GET=Operation("listFollowUpEvidence", "A follow-up item's evidence, oldest first (a "
                  "board: its own items')", ITEMS, EvidenceSchema, many=True, errors=(403,),
                  boards=True),
    POST=Operation("addFollowUpEvidence", "Add evidence (a text, a link and/or a file) to "
                   "a follow-up item", ITEMS, EvidenceSchema, status=201, body=EvidenceInput,
                   upload=EVIDENCE_UPLOAD, errors=(403,), boards=True))
def followup_evidence(followup_id: int):
    if request.method == "GET":
        return answer(EvidenceSchema, queries.item_page(g.api_user, followup_id)["evidence"])
    if request.mimetype == "multipart/form-data":  # with a file, as the page sends it
        evidence = commands.add_evidence(g.api_user, followup_id, request.form,
                                         request.files.get("file"))
    else:
        evidence = commands.add_evidence(g.api_user, followup_id, body())
    return answer(EvidenceSchema, evidence, 201,
                  url_for("api_v1.followup", followup_id=followup_id))


@v1.get(f"{ITEM}/evidence/<{ID}:evidence_id>/file")
@operation(id="getFollowUpEvidenceFile", summary="The file of one piece of evidence (PDF, "
           "DOCX or an image), as it was uploaded", tag=ITEMS, errors=(403,),
           boards=True, media=tuple(sorted(content for content, _ext in uploads.TYPES.values())))
def followup_evidence_file(followup_id: int, evidence_id: int):
    path, name, content_type = commands.evidence_file(g.api_user, evidence_id, followup_id)
    # At most 10 MB: read whole, so no file handle outlives the request.
    response = send_file(io.BytesIO(path.read_bytes()), mimetype=content_type,
                         as_attachment=True, download_name=name)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@v1.get(f"{ITEM}/trace")
@operation(id="getFollowUpTrace", summary="The follow-up item's whole path, in time order",
           tag=ITEMS, response=ITEM_TRACE, errors=(403,), boards=True)
def followup_trace(followup_id: int):
    return jsonify(traces.item_trace(g.api_user, followup_id))


# --- IVO's decision and the boards' redovisning ------------------------------------------

DECISIONS = "decisions"
REPORTS = "redovisning"


@v1.route(f"{DIALOGUE}/decision", methods=["GET", "PUT"])
@operations(
    GET=Operation("getDecision", "IVO's decision and the boards' redovisning versions",
                  DECISIONS, DECISION, errors=(403,)),
    PUT=Operation("recordDecision", "Record or correct IVO's decision (IVO)", DECISIONS,
                  DecisionSchema, body=DecisionInput, errors=(403,), boards=True))
def decision(dialogue_id: int):
    if request.method == "GET":
        return jsonify(decisions.decision_export(g.api_user, dialogue_id))
    recorded = decisions.record_decision(g.api_user, dialogue_id, body())
    return answer(DecisionSchema, recorded)


@v1.get(REPORT)
@operation(id="getBoardReport", summary="A board's own redovisning: deadline, measures, "
           "versions", tag=REPORTS, response=BoardReportSchema, errors=(403,), boards=True)
def board_report(dialogue_id: int):
    return answer(BoardReportSchema, decisions.board_page(g.api_user, dialogue_id))


@v1.put(f"{REPORT}/measures/<{ID}:reflection_id>")
@operation(id="saveMeasure", summary="A board's measure for one required deficiency",
           tag=REPORTS, response=MeasureSchema, body=MeasureInput, errors=(403,),
           boards=True)
def measure(dialogue_id: int, reflection_id: int):
    saved = decisions.save_measure(g.api_user, dialogue_id, reflection_id, body())
    return answer(MeasureSchema, saved)


@v1.post(f"{REPORT}/versions")
@operation(id="submitReport", summary="A board submits its redovisning as a fixed version",
           tag=REPORTS, response=ReportVersionSchema, status=201, errors=(403, 409),
           boards=True)
def submit_report(dialogue_id: int):
    version = decisions.submit_report(g.api_user, dialogue_id)
    return answer(ReportVersionSchema, version, 201, url_for(
        "api_v1.report_version", dialogue_id=dialogue_id, version_id=version.id))


@v1.get(VERSION)
@operation(id="getReportVersion", summary="One submitted version of a redovisning",
           tag=REPORTS, response=ReportVersionSchema, errors=(403,), boards=True)
def report_version(dialogue_id: int, version_id: int):
    return answer(ReportVersionSchema,
                  decisions.report_version(g.api_user, dialogue_id, version_id))


@v1.post(f"{VERSION}/review")
@operation(id="reviewReport", summary="IVO acknowledges a version or asks for additions",
           tag=REPORTS, response=ReportVersionSchema, body=ReviewInput, errors=(403, 409),
           boards=True)
def review_report(dialogue_id: int, version_id: int):
    version = decisions.review_report(g.api_user, dialogue_id, version_id, body())
    return answer(ReportVersionSchema, version)
