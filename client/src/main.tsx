import { render } from 'solid-js/web';
import { App } from './App';
import './styles.css';
import './styles/board.css';
import './styles/panel.css';
import './styles/chat.css';
import './styles/features.css';

render(() => <App />, document.getElementById('root')!);
