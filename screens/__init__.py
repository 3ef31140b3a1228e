"""Screens for people to look at: the demo meeting played on a real server and a real browser.

`stage.Stage` starts the app on the demo data in a temporary folder and moves the Stockholm
dialogue (seven boards, every role) through the projector's states; `python -m screens`
(`make screenshots`) photographs every state into docs/screens/, and
tests/test_projector_browser.py measures the same states.
"""
