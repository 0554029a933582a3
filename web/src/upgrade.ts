import './theme';
import './styles.css';

// The reason the app was sent here (the 402's detail), shown as text only.
const reason = new URLSearchParams(location.search).get('reason');
const target = document.getElementById('upgrade-reason');
if (reason && target) target.textContent = `${reason.slice(0, 300)} Commission Intelligence is a paid add-on of your marketplace subscription.`;
