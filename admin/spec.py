"""What the command line asks for per kind of entry: option, help text and prompt per field.

Field names are validate.py's (and the bulk CSV columns); the flags are what officials type, and
error messages name the flag they typed.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Opt:
    field: str      # validate.py's field name (also the bulk CSV column)
    flag: str       # "--date", or an upper-case positional name
    help: str
    prompt: str


PROJECT = Opt("project_id", "PROJECT_ID", "project id, as in the current export's projects.csv",
              "Project id")
DATE = Opt("date", "--date", "date (YYYY-MM-DD); not in the future", "Date (YYYY-MM-DD)")
SPEC: dict[str, tuple[Opt, ...]] = {
    "progress": (PROJECT, DATE,
                 Opt("planned_pct", "--planned", "planned progress in %% (0-100)", "Planned progress %"),
                 Opt("actual_pct", "--actual", "actual progress in %% (0-100)", "Actual progress %")),
    "inspection": (PROJECT, DATE,
                   Opt("kind", "--kind", "safety, quality or completion", "Kind (safety/quality/completion)"),
                   Opt("result", "--result", "pass, conditional or fail", "Result (pass/conditional/fail)"),
                   Opt("findings", "--findings", "what was found; required unless the result is pass",
                       "Findings")),
    "change": (PROJECT, DATE,
               Opt("reason", "--reason", "why the design changed", "Reason"),
               Opt("amount_before", "--before", "contract amount before, in won", "Amount before (won)"),
               Opt("amount_after", "--after", "contract amount after, in won", "Amount after (won)"),
               Opt("days_added", "--days", "days added to the schedule (negative if shortened)",
                   "Days added")),
    "photo": (PROJECT, Opt("file", "--file", "the photo file (JPEG, PNG, ...); location and camera "
                           "data are removed", "Photo file"), DATE,
              Opt("caption", "--caption", "caption shown with the photo", "Caption")),
    "document": (PROJECT, Opt("file", "--file", "the document: a PDF (published exactly as given, its "
                              "metadata included) or a scan as PNG, JPEG or WebP (rebuilt from its "
                              "pixels: metadata removed)", "Document file (PDF, PNG, JPEG, WebP)"),
                 DATE,
                 Opt("kind", "--kind", "inspection_report, design_change, completion, safety_plan, "
                     "minutes or other", "Kind (inspection_report/design_change/completion/"
                     "safety_plan/minutes/other)"),
                 Opt("title", "--title", "title shown on the project page", "Title")),
    "claim": (PROJECT,
              Opt("payee_kind", "--kind", "subcontract(or), wages, equipment or materials",
                  "Payee kind (subcontractor/wages/equipment/materials)"),
              Opt("payee_company_id", "--payee", "payee's business registration number; "
                  "empty for wages", "Payee business registration number"),
              Opt("claim_date", "--date", "date of the claim (YYYY-MM-DD)", "Claim date (YYYY-MM-DD)"),
              Opt("amount", "--amount", "amount claimed, whole won", "Amount claimed (won)"),
              Opt("payer", "--payer", "who pays: the agency or the main contractor", "Payer")),
    "payment": (Opt("claim_id", "CLAIM_ID", "entry id of the claim this pays", "Claim entry id"),
                Opt("paid_date", "--date", "date paid (YYYY-MM-DD)", "Date paid (YYYY-MM-DD)"),
                Opt("paid_amount", "--amount", "amount paid, whole won", "Amount paid (won)")),
    "contract-payment": (
        Opt("project_id", "CONTRACT_ID", "contract id, as in the current export's contracts.csv",
            "Contract id"),
        Opt("kind", "--kind", "advance, progress or final", "Kind (advance/progress/final)"),
        Opt("claim_date", "--claim-date", "date the contractor's valid claim was received (YYYY-MM-DD)",
            "Claim date (YYYY-MM-DD)"),
        Opt("amount", "--amount", "amount claimed, whole won", "Amount claimed (won)")),
    "contract-paid": (Opt("claim_id", "CLAIM_ID", "entry id of the contract-payment claim this pays",
                          "Claim entry id"),
                      Opt("paid_date", "--date", "date paid (YYYY-MM-DD)", "Date paid (YYYY-MM-DD)"),
                      Opt("paid_amount", "--amount", "amount paid, whole won", "Amount paid (won)")),
}
KIND_HELP = {
    "progress": "planned and actual progress of a project",
    "inspection": "inspections and safety checks",
    "change": "design changes (amount before and after, days added)",
    "photo": "site photos (location and camera data removed)",
    "document": "supervision documents: inspection reports, design-change approvals, completion "
                "certificates, safety plans, minutes",
    "claim": "payment claims of subcontractors, workers, equipment and materials",
    "payment": "payments made against a claim",
    "contract-payment": "a contractor's claim on a contract (advance, progress or final payment)",
    "contract-paid": "what the agency paid against a contract-payment claim",
}
COMMON = {"note": "--note", "corrects": "--corrects"}
